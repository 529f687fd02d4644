ALTER TYPE "public"."change_source" ADD VALUE 'wiki';--> statement-breakpoint
CREATE TABLE "cycle_notes" (
	"id" serial PRIMARY KEY NOT NULL,
	"department_id" integer NOT NULL,
	"cycle_id" integer NOT NULL,
	"objective_id" integer,
	"kind" text NOT NULL,
	"on" date,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"source" "change_source" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kr_quarter_statuses" (
	"id" serial PRIMARY KEY NOT NULL,
	"key_result_id" integer NOT NULL,
	"quarter" smallint NOT NULL,
	"text" text NOT NULL,
	"source" "change_source" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wiki_pages" (
	"id" serial PRIMARY KEY NOT NULL,
	"department_id" integer NOT NULL,
	"cycle_id" integer NOT NULL,
	"title" text NOT NULL,
	"revision_id" bigint NOT NULL,
	"revision_at" timestamp with time zone NOT NULL,
	"text" text NOT NULL,
	"conflicts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wiki_pages_title_unique" UNIQUE("title")
);
--> statement-breakpoint
DROP INDEX "status_reports_month_unique";--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "removal_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "removal_requested_by" integer;--> statement-breakpoint
ALTER TABLE "key_results" ADD COLUMN "baseline_text" text;--> statement-breakpoint
ALTER TABLE "key_results" ADD COLUMN "target_text" text;--> statement-breakpoint
ALTER TABLE "objectives" ADD COLUMN "kind" text DEFAULT 'objective' NOT NULL;--> statement-breakpoint
ALTER TABLE "objectives" ADD COLUMN "deliverables" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "objectives" ADD COLUMN "budget_fte" double precision;--> statement-breakpoint
ALTER TABLE "objectives" ADD COLUMN "actual_fte" double precision;--> statement-breakpoint
ALTER TABLE "objectives" ADD COLUMN "target_cycle" text;--> statement-breakpoint
ALTER TABLE "objectives" ADD COLUMN "tables" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "report_notes" ADD COLUMN "level" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "wiki_user" text;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cycle_notes" ADD CONSTRAINT "cycle_notes_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_notes" ADD CONSTRAINT "cycle_notes_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_notes" ADD CONSTRAINT "cycle_notes_objective_id_objectives_id_fk" FOREIGN KEY ("objective_id") REFERENCES "public"."objectives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kr_quarter_statuses" ADD CONSTRAINT "kr_quarter_statuses_key_result_id_key_results_id_fk" FOREIGN KEY ("key_result_id") REFERENCES "public"."key_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wiki_pages" ADD CONSTRAINT "wiki_pages_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wiki_pages" ADD CONSTRAINT "wiki_pages_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cycle_notes_cycle_idx" ON "cycle_notes" USING btree ("department_id","cycle_id");--> statement-breakpoint
CREATE UNIQUE INDEX "kr_quarter_statuses_unique" ON "kr_quarter_statuses" USING btree ("key_result_id","quarter");--> statement-breakpoint
CREATE UNIQUE INDEX "wiki_pages_quarter_unique" ON "wiki_pages" USING btree ("department_id","cycle_id");--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_removal_requested_by_people_id_fk" FOREIGN KEY ("removal_requested_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_reports" ADD CONSTRAINT "status_reports_day_unique" UNIQUE NULLS NOT DISTINCT("team_id","month","reported_on");--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_wiki_user_unique" UNIQUE("wiki_user");--> statement-breakpoint
-- The new content tables notify like the others (migration 0002).
create trigger cycle_notes_notify_data_change after insert or update or delete or truncate on cycle_notes
  for each statement execute function okrbot_notify_data_change();--> statement-breakpoint
create trigger kr_quarter_statuses_notify_data_change after insert or update or delete or truncate on kr_quarter_statuses
  for each statement execute function okrbot_notify_data_change();
