-- The installed package's model, by its two-argument ref.
select * from {{ ref('audit_pkg', 'audit_orders') }}
