{#- Called from a model's post_hook in config(): dbt renders hooks at parse time. -#}
{% macro audit_row(relation) -%}
    select '{{ relation }}' as audited
{%- endmacro %}

{#- Called from a folder's +pre-hook in dbt_project.yml. -#}
{% macro reporting_grant() -%}
    select 'reporting' as granted
{%- endmacro %}

{#- A macro that refs a model: dbt renders it while parsing the caller, so the ref is an edge. -#}
{% macro paid_orders() -%}
    select order_id, amount from {{ ref('fct_orders') }} where amount > 0
{%- endmacro %}

{#- A macro that refs its parameter: a caller passing a string refs that model (dbt renders the
    call with the caller's arguments while parsing). -#}
{% macro recent_rows(model_name, date_column='occurred_at') -%}
    select * from {{ ref(model_name) }} where {{ date_column }} > current_date - 30
{%- endmacro %}

{#- Called from a seed's +post-hook: dbt renders it while parsing the seed, so it is the seed's macro. -#}
{% macro seed_loaded(name) -%}
    select '{{ name }}' as loaded
{%- endmacro %}
