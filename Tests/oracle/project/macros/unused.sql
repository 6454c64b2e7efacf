{#- Not called by any node. -#}
{% macro legacy_status_label(status_column) -%}
    case {{ status_column }} when 'returned' then 'R' else 'OK' end
{%- endmacro %}
