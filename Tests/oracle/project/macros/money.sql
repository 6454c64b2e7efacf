{#- Outer macro: calls the inner macro money_scale(). Used by stg_payments. -#}
{% macro cents_to_dollars(column_name, precision=2) -%}
    round(({{ column_name }} / {{ money_scale() }})::numeric(16, {{ precision }}), {{ precision }})
{%- endmacro %}

{#- Inner macro: only called by cents_to_dollars. -#}
{% macro money_scale() -%}
    100
{%- endmacro %}
