-- A package model that refs a model of the project that installs it.
select order_id, {{ audit_pkg.audited_flag() }} as audited from {{ ref('stg_orders') }}
