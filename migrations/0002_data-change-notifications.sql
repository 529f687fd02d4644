-- Every change to what chat answers are made of notifies channel okrbot_data, once per
-- statement, with the table's name and the writer's application_name: each okrbot instance
-- listens and drops the answers it keeps in memory when another process or instance changed
-- something (chat, an import, an admin); its own writes it has counted already.
-- Operational tables (prompts, deliveries, schedule runs, inbound event ids, audit log) do not
-- notify: no answer is made of them, and they change on every request.
create or replace function okrbot_notify_data_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('okrbot_data', tg_table_name || ' ' || coalesce(current_setting('application_name', true), ''));
  return null;
end;
$$;
--> statement-breakpoint
do $$
declare
  name text;
begin
  foreach name in array array[
    'departments', 'teams', 'people', 'identities', 'team_roles', 'channels', 'cycles',
    'objectives', 'key_results', 'kr_milestones', 'goals', 'goal_dependencies',
    'status_entries', 'metric_values', 'status_reports', 'report_notes', 'snoozes'
  ] loop
    execute format(
      'create trigger %I after insert or update or delete or truncate on %I
         for each statement execute function okrbot_notify_data_change()',
      name || '_notify_data_change', name);
  end loop;
end;
$$;
