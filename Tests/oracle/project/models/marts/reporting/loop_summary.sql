-- Its refs are a loop over a list built from literals, each added under a var condition: dbt
-- renders them, so stg_events is a parent and stg_payments (its condition false) is not.
{% set names = [] %}
{% if var('loop_events', true) %}
  {% do names.append('stg_events') %}
{% endif %}
{% if var('loop_payments', false) %}
  {% do names.extend(['stg_payments']) %}
{% endif %}
{% for name in names %}
-- depends_on: {{ ref(name) }}
{% endfor %}
select 1 as one
