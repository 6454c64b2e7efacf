{#- The project's own source(): it replaces dbt's builtin, so every node calling source() depends
    on it (real projects route sources per target this way). -#}
{% macro source(source_name, table_name) -%}
    {{ return(builtins.source(source_name, table_name)) }}
{%- endmacro %}
