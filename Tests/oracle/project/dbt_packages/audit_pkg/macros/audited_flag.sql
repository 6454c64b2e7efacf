{% macro audited_flag() -%}
    true
{%- endmacro %}
