-- The only ref to stg_events is the macro's parameter: recent_rows('stg_events').
{{ recent_rows('stg_events', date_column='occurred_at') }}
