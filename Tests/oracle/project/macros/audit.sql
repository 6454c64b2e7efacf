{#- Called from a model's post_hook in config(): dbt renders hooks at parse time. -#}
{% macro audit_row(relation) -%}
    select '{{ relation }}' as audited
{%- endmacro %}

{#- Called from a folder's +pre-hook in dbt_project.yml. -#}
{% macro reporting_grant() -%}
    select 'reporting' as granted
{%- endmacro %}
