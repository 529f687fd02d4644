CREATE TYPE "public"."change_source" AS ENUM('shell', 'slack', 'irc', 'web', 'import', 'system');--> statement-breakpoint
CREATE TYPE "public"."channel_purpose" AS ENUM('team', 'digest');--> statement-breakpoint
CREATE TYPE "public"."cycle_kind" AS ENUM('year', 'quarter');--> statement-breakpoint
CREATE TYPE "public"."delivery_state" AS ENUM('pending', 'sending', 'sent', 'failed', 'dead', 'skipped');--> statement-breakpoint
CREATE TYPE "public"."goal_status" AS ENUM('to_do', 'in_progress', 'done', 'partially_done', 'not_done', 'stalled', 'postponed', 'blocked', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."metric_direction" AS ENUM('up', 'down');--> statement-breakpoint
CREATE TYPE "public"."run_state" AS ENUM('running', 'done', 'late', 'skipped', 'failed');--> statement-breakpoint
CREATE TYPE "public"."team_role" AS ENUM('manager', 'delegate');--> statement-breakpoint
CREATE TYPE "public"."transport" AS ENUM('shell', 'slack', 'irc');--> statement-breakpoint
CREATE TABLE "cycles" (
	"id" serial PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"kind" "cycle_kind" NOT NULL,
	"fiscal_year" integer NOT NULL,
	"quarter" smallint,
	"starts_on" date NOT NULL,
	"ends_before" date NOT NULL,
	CONSTRAINT "cycles_label_unique" UNIQUE("label")
);
--> statement-breakpoint
CREATE TABLE "goal_dependencies" (
	"id" serial PRIMARY KEY NOT NULL,
	"goal_id" integer NOT NULL,
	"team_id" integer,
	"label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "goals" (
	"id" serial PRIMARY KEY NOT NULL,
	"team_id" integer NOT NULL,
	"cycle_id" integer NOT NULL,
	"parent_id" integer,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"group_label" text,
	"task_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"stretch" boolean DEFAULT false NOT NULL,
	"multi_quarter" boolean DEFAULT false NOT NULL,
	"key_result_id" integer,
	"position" integer DEFAULT 0 NOT NULL,
	"due_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "key_results" (
	"id" serial PRIMARY KEY NOT NULL,
	"objective_id" integer NOT NULL,
	"code" text NOT NULL,
	"text" text NOT NULL,
	"manager_id" integer,
	"baseline" double precision,
	"target" double precision,
	"unit" text,
	"direction" "metric_direction" DEFAULT 'up' NOT NULL,
	"due_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kr_milestones" (
	"id" serial PRIMARY KEY NOT NULL,
	"key_result_id" integer NOT NULL,
	"due_on" date NOT NULL,
	"target" double precision,
	"text" text
);
--> statement-breakpoint
CREATE TABLE "metric_values" (
	"id" serial PRIMARY KEY NOT NULL,
	"key_result_id" integer NOT NULL,
	"value" double precision NOT NULL,
	"note" text,
	"person_id" integer,
	"at" timestamp with time zone NOT NULL,
	"source" "change_source" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "objectives" (
	"id" serial PRIMARY KEY NOT NULL,
	"department_id" integer NOT NULL,
	"cycle_id" integer NOT NULL,
	"code" text NOT NULL,
	"program" text,
	"title" text NOT NULL,
	"description" text,
	"manager_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_notes" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" integer NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"goal_id" integer,
	"person_id" integer,
	"at" timestamp with time zone NOT NULL,
	"source" "change_source" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_entries" (
	"id" serial PRIMARY KEY NOT NULL,
	"goal_id" integer,
	"key_result_id" integer,
	"status" "goal_status" NOT NULL,
	"note" text,
	"person_id" integer,
	"at" timestamp with time zone NOT NULL,
	"source" "change_source" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "status_entries_one_subject" CHECK (("status_entries"."goal_id" is null) <> ("status_entries"."key_result_id" is null))
);
--> statement-breakpoint
CREATE TABLE "status_reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"team_id" integer NOT NULL,
	"month" text NOT NULL,
	"reported_on" date,
	"status" "goal_status",
	"person_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" serial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"person_id" integer,
	"source" "change_source" NOT NULL,
	"action" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"kind" text NOT NULL,
	"transport" "transport" NOT NULL,
	"workspace" text DEFAULT '' NOT NULL,
	"target" text NOT NULL,
	"person_id" integer,
	"payload" jsonb NOT NULL,
	"state" "delivery_state" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"not_before" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"last_error" text,
	"skip_reason" text,
	"sent_message_id" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "inbound_events" (
	"transport" "transport" NOT NULL,
	"event_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_events_transport_event_id_pk" PRIMARY KEY("transport","event_id")
);
--> statement-breakpoint
CREATE TABLE "nudges" (
	"id" serial PRIMARY KEY NOT NULL,
	"goal_id" integer,
	"key_result_id" integer,
	"level" smallint NOT NULL,
	"delivery_id" integer,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "nudges_one_subject" CHECK (("nudges"."goal_id" is null) <> ("nudges"."key_result_id" is null))
);
--> statement-breakpoint
CREATE TABLE "prompts" (
	"id" serial PRIMARY KEY NOT NULL,
	"team_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"month" text NOT NULL,
	"on_behalf_of_id" integer,
	"due_at" timestamp with time zone NOT NULL,
	"reminders_sent" smallint DEFAULT 0 NOT NULL,
	"answered_at" timestamp with time zone,
	"transport" "transport",
	"conversation_id" text,
	"message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedule_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"schedule_key" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"state" "run_state" DEFAULT 'running' NOT NULL,
	"claimed_by" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "schedules" (
	"id" serial PRIMARY KEY NOT NULL,
	"department_id" integer NOT NULL,
	"kind" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"catch_up_seconds" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "snoozes" (
	"id" serial PRIMARY KEY NOT NULL,
	"goal_id" integer,
	"key_result_id" integer,
	"person_id" integer,
	"until" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "snoozes_one_subject" CHECK (("snoozes"."goal_id" is null) <> ("snoozes"."key_result_id" is null))
);
--> statement-breakpoint
CREATE TABLE "channels" (
	"id" serial PRIMARY KEY NOT NULL,
	"team_id" integer,
	"department_id" integer,
	"transport" "transport" NOT NULL,
	"workspace" text DEFAULT '' NOT NULL,
	"external_id" text NOT NULL,
	"purpose" "channel_purpose" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channels_target_unique" UNIQUE NULLS NOT DISTINCT("transport","workspace","external_id","purpose","team_id","department_id")
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "departments_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"transport" "transport" NOT NULL,
	"workspace" text DEFAULT '' NOT NULL,
	"external_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" serial PRIMARY KEY NOT NULL,
	"handle" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"time_zone" text,
	"is_admin" boolean DEFAULT false NOT NULL,
	"away_until" timestamp with time zone,
	"deactivated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_handle_unique" UNIQUE("handle")
);
--> statement-breakpoint
CREATE TABLE "team_roles" (
	"team_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"role" "team_role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_roles_team_id_person_id_role_pk" PRIMARY KEY("team_id","person_id","role")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" serial PRIMARY KEY NOT NULL,
	"department_id" integer NOT NULL,
	"parent_id" integer,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
ALTER TABLE "goal_dependencies" ADD CONSTRAINT "goal_dependencies_goal_id_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_dependencies" ADD CONSTRAINT "goal_dependencies_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_parent_id_goals_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."goals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_key_result_id_key_results_id_fk" FOREIGN KEY ("key_result_id") REFERENCES "public"."key_results"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_results" ADD CONSTRAINT "key_results_objective_id_objectives_id_fk" FOREIGN KEY ("objective_id") REFERENCES "public"."objectives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_results" ADD CONSTRAINT "key_results_manager_id_people_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kr_milestones" ADD CONSTRAINT "kr_milestones_key_result_id_key_results_id_fk" FOREIGN KEY ("key_result_id") REFERENCES "public"."key_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_values" ADD CONSTRAINT "metric_values_key_result_id_key_results_id_fk" FOREIGN KEY ("key_result_id") REFERENCES "public"."key_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_values" ADD CONSTRAINT "metric_values_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objectives" ADD CONSTRAINT "objectives_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objectives" ADD CONSTRAINT "objectives_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objectives" ADD CONSTRAINT "objectives_manager_id_people_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_notes" ADD CONSTRAINT "report_notes_report_id_status_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."status_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_notes" ADD CONSTRAINT "report_notes_goal_id_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_notes" ADD CONSTRAINT "report_notes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_goal_id_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_key_result_id_key_results_id_fk" FOREIGN KEY ("key_result_id") REFERENCES "public"."key_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_reports" ADD CONSTRAINT "status_reports_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_reports" ADD CONSTRAINT "status_reports_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudges" ADD CONSTRAINT "nudges_goal_id_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudges" ADD CONSTRAINT "nudges_key_result_id_key_results_id_fk" FOREIGN KEY ("key_result_id") REFERENCES "public"."key_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudges" ADD CONSTRAINT "nudges_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_on_behalf_of_id_people_id_fk" FOREIGN KEY ("on_behalf_of_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snoozes" ADD CONSTRAINT "snoozes_goal_id_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snoozes" ADD CONSTRAINT "snoozes_key_result_id_key_results_id_fk" FOREIGN KEY ("key_result_id") REFERENCES "public"."key_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snoozes" ADD CONSTRAINT "snoozes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_roles" ADD CONSTRAINT "team_roles_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_roles" ADD CONSTRAINT "team_roles_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_parent_id_teams_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cycles_period_unique" ON "cycles" USING btree ("fiscal_year","quarter");--> statement-breakpoint
CREATE UNIQUE INDEX "goal_dependencies_unique" ON "goal_dependencies" USING btree ("goal_id","label");--> statement-breakpoint
CREATE INDEX "goal_dependencies_team_idx" ON "goal_dependencies" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "goals_key_unique" ON "goals" USING btree ("team_id","cycle_id","key");--> statement-breakpoint
CREATE INDEX "goals_cycle_idx" ON "goals" USING btree ("cycle_id");--> statement-breakpoint
CREATE INDEX "goals_parent_idx" ON "goals" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "goals_task_ids_idx" ON "goals" USING gin ("task_ids");--> statement-breakpoint
CREATE UNIQUE INDEX "key_results_code_unique" ON "key_results" USING btree ("objective_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "kr_milestones_due_unique" ON "kr_milestones" USING btree ("key_result_id","due_on");--> statement-breakpoint
CREATE INDEX "metric_values_kr_at_idx" ON "metric_values" USING btree ("key_result_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "objectives_code_unique" ON "objectives" USING btree ("cycle_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "report_notes_position_unique" ON "report_notes" USING btree ("report_id","source","position");--> statement-breakpoint
CREATE INDEX "status_entries_goal_at_idx" ON "status_entries" USING btree ("goal_id","at");--> statement-breakpoint
CREATE INDEX "status_entries_kr_at_idx" ON "status_entries" USING btree ("key_result_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "status_reports_month_unique" ON "status_reports" USING btree ("team_id","month");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "deliveries_ready_idx" ON "deliveries" USING btree ("state","not_before");--> statement-breakpoint
CREATE INDEX "deliveries_person_idx" ON "deliveries" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "nudges_goal_idx" ON "nudges" USING btree ("goal_id","sent_at");--> statement-breakpoint
CREATE INDEX "nudges_kr_idx" ON "nudges" USING btree ("key_result_id","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "prompts_team_person_month_unique" ON "prompts" USING btree ("team_id","person_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "schedule_runs_due_unique" ON "schedule_runs" USING btree ("schedule_key","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "schedules_department_kind_unique" ON "schedules" USING btree ("department_id","kind");--> statement-breakpoint
CREATE INDEX "snoozes_goal_idx" ON "snoozes" USING btree ("goal_id");--> statement-breakpoint
CREATE INDEX "snoozes_kr_idx" ON "snoozes" USING btree ("key_result_id");--> statement-breakpoint
CREATE UNIQUE INDEX "identities_account_unique" ON "identities" USING btree ("transport","workspace","external_id");--> statement-breakpoint
CREATE INDEX "identities_person_idx" ON "identities" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "team_roles_person_idx" ON "team_roles" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "teams_department_idx" ON "teams" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "teams_parent_idx" ON "teams" USING btree ("parent_id");