/// The small dbt project `rationale demo` writes: a shop with sources, seeds, staging,
/// intermediate and marts layers, a macro, a snapshot and an exposure.
enum SampleProject {
    /// Files of the base revision, by path.
    static let files: [String: String] = [
        "dbt_project.yml": """
        name: sample_shop
        version: "1.0.0"
        profile: sample_shop
        model-paths: ["models"]
        seed-paths: ["seeds"]
        macro-paths: ["macros"]
        snapshot-paths: ["snapshots"]
        vars:
          first_order_date: "2024-01-01"
        models:
          sample_shop:
            staging:
              +materialized: view
            intermediate:
              +materialized: ephemeral
            marts:
              +materialized: table
        """,
        // Production and a developer's schema in one duckdb file: `rationale prove` compares them.
        "profiles.yml": """
        sample_shop:
          target: dev
          outputs:
            dev:
              type: duckdb
              path: sample_shop.duckdb
              schema: dev
              threads: 1
            prod:
              type: duckdb
              path: sample_shop.duckdb
              schema: prod
              threads: 1
        """,
        ".gitignore": "target/\nlogs/\ndbt_packages/\nprod-artifacts/\n*.duckdb\n*.duckdb.wal\n",
        // The shop's raw tables, as CSV files dbt-duckdb reads in place (the sources' external_location).
        "raw/customers.csv": "id,name,country_code\n1,Ada,FR\n2,Bruno,DE\n3,Chloé,ES\n4,Dora,FR\n5,Emil,DE\n",
        "raw/orders.csv": """
        id,customer_id,status,ordered_at
        101,1,completed,2023-12-30
        102,1,completed,2024-01-03
        103,2,completed,2024-01-04
        104,3,returned,2024-01-05
        105,3,completed,2024-01-07
        106,4,completed,2024-01-08
        107,5,placed,2024-01-09
        108,2,completed,2024-01-10
        """,
        "raw/payments.csv": """
        id,order_id,method,amount_cents
        9001,101,card,1250
        9002,102,card,1999.5
        9003,103,transfer,4500
        9004,104,card,820.5
        9005,105,gift_card,1000.25
        9006,105,card,2374.5
        9007,106,card,615
        9008,107,transfer,3310.75
        9009,108,card,1200.5
        9010,108,gift_card,500
        """,
        "seeds/country_codes.csv": "code,name\nFR,France\nDE,Germany\nES,Spain\n",
        "models/staging/_sources.yml": """
        version: 2
        sources:
          - name: shop
            schema: raw
            meta:
              external_location: "raw/{name}.csv"
            loaded_at_field: _loaded_at
            freshness:
              warn_after: {count: 12, period: hour}
            tables:
              - name: orders
              - name: customers
              - name: payments
        """,
        "models/staging/_staging.yml": """
        version: 2
        models:
          - name: stg_orders
            description: One row per order, as the shop recorded it.
            columns:
              - name: order_id
                data_tests: [unique, not_null]
          - name: stg_payments
            description: Payments in dollars.
            columns:
              - name: payment_id
                data_tests: [unique, not_null]
        """,
        "models/staging/stg_orders.sql": """
        select
            id as order_id,
            customer_id,
            status,
            ordered_at
        from {{ source('shop', 'orders') }}
        where ordered_at >= '{{ var("first_order_date") }}'
        """,
        "models/staging/stg_customers.sql": """
        select
            c.id as customer_id,
            c.name,
            cc.name as country
        from {{ source('shop', 'customers') }} c
        left join {{ ref('country_codes') }} cc on cc.code = c.country_code
        """,
        "models/staging/stg_payments.sql": """
        select
            id as payment_id,
            order_id,
            {{ cents_to_dollars('amount_cents') }} as amount
        from {{ source('shop', 'payments') }}
        """,
        "models/intermediate/int_order_payments.sql": """
        select
            order_id,
            sum(amount) as amount
        from {{ ref('stg_payments') }}
        group by 1
        """,
        "models/marts/orders.sql": """
        select
            o.order_id,
            o.customer_id,
            o.status,
            coalesce(p.amount, 0) as amount
        from {{ ref('stg_orders') }} o
        left join {{ ref('int_order_payments') }} p using (order_id)
        """,
        "models/marts/customers.sql": """
        select
            c.customer_id,
            c.name,
            c.country,
            count(o.order_id) as orders,
            sum(o.amount) as lifetime_value
        from {{ ref('stg_customers') }} c
        left join {{ ref('orders') }} o using (customer_id)
        group by 1, 2, 3
        """,
        "models/marts/_marts.yml": """
        version: 2
        models:
          - name: orders
            description: One row per order with what was paid.
            columns:
              - name: order_id
                data_tests: [unique, not_null]
          - name: customers
            description: One row per customer with lifetime value.
            columns:
              - name: customer_id
                data_tests: [unique, not_null]
        exposures:
          - name: revenue_dashboard
            type: dashboard
            maturity: high
            owner: {name: Finance, email: finance@example.com}
            depends_on:
              - ref('customers')
              - ref('orders')
        """,
        "macros/cents_to_dollars.sql": """
        {% macro cents_to_dollars(column) -%}
            floor({{ column }}) / {{ cents_per_dollar() }}
        {%- endmacro %}

        {% macro cents_per_dollar() -%}
            100
        {%- endmacro %}
        """,
        "snapshots/customers_snapshot.sql": """
        {% snapshot customers_snapshot %}
        {{ config(target_schema='snapshots', unique_key='customer_id', strategy='check', check_cols=['name', 'country']) }}
        select * from {{ ref('stg_customers') }}
        {% endsnapshot %}
        """,
    ]

    /// The change the demo makes: a staging model gains a column and a macro rounds differently.
    static let change: [String: String] = [
        "models/staging/stg_payments.sql": """
        select
            id as payment_id,
            order_id,
            method,
            {{ cents_to_dollars('amount_cents') }} as amount
        from {{ source('shop', 'payments') }}
        """,
        "macros/cents_to_dollars.sql": """
        {% macro cents_to_dollars(column) -%}
            round({{ column }}) / {{ cents_per_dollar() }}
        {%- endmacro %}

        {% macro cents_per_dollar() -%}
            100
        {%- endmacro %}
        """,
    ]
}
