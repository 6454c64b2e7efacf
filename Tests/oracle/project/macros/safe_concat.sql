{#- Dispatched macro: dbt resolves <adapter>__safe_concat before default__safe_concat. -#}
{% macro safe_concat(left, right) -%}
    {{ return(adapter.dispatch('safe_concat', 'jaffle_oracle')(left, right)) }}
{%- endmacro %}

{% macro default__safe_concat(left, right) -%}
    {{ left }} || ' ' || {{ right }}
{%- endmacro %}

{% macro duckdb__safe_concat(left, right) -%}
    concat_ws(' ', {{ left }}, {{ right }})
{%- endmacro %}

{% macro postgres__safe_concat(left, right) -%}
    concat({{ left }}, ' ', {{ right }})
{%- endmacro %}
