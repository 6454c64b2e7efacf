/// The Jinja program `rationale prove` hands to `dbt show --inline`: dbt parses the project,
/// connects with the user's own profile and target, and renders it. For each model of the plan
/// (JSON in the environment variable ``planVariable``, never inside the program) it finds both
/// relations through `adapter.get_relation` — production's by the state manifest's database,
/// schema and identifier, the branch's by dbt's own graph for the current target —, reads their
/// columns with `adapter.get_columns_in_relation`, and runs at most three queries through
/// `run_query`: row counts and key duplicates and nulls of both sides, the value diff joined on
/// the key (audit_helper's `compare_relations`), and a few differing rows. Every column name
/// reaches SQL through `adapter.quote`, every cast through `dbt.cast` and `dbt.type_string()`,
/// every relation as the adapter renders it; the answer is one JSON document, URL-encoded so that
/// no quote or backslash of the data can end the SQL string literal that carries it.
enum ProofQuery {
    /// The environment variable that carries the plan.
    static let planVariable = "RATIONALE_PROOF_PLAN"

    /// What the program logs before each model (`rationale-progress 2/10 orders`).
    static let progressPrefix = "rationale-progress "

    /// The column of the one row the program selects.
    static let resultColumn = "rationale_proof"

    /// The program.
    static let program = #"""
        {#- rationale prove: compares production and the branch for each model of the plan in
            $RATIONALE_PROOF_PLAN (JSON); every name reaches SQL through adapter.get_relation or
            adapter.quote; the answer is one URL-encoded JSON cell. -#}
        {%- set plan = fromjson(env_var('RATIONALE_PROOF_PLAN', '{"models": []}')) -%}
        {%- set results = [] -%}
        {%- if execute -%}
        {%- set total = plan['models'] | length -%}
        {%- set text_type = dbt.type_string() -%}
        {%- for m in plan['models'] -%}
        {%- do log('rationale-progress ' ~ loop.index ~ '/' ~ total ~ ' ' ~ m['name'], info=True) -%}
        {%- set r = {'id': m['id']} -%}
        {%- do results.append(r) -%}
        {%- set node = graph.nodes.get(m['id']) -%}
        {%- set b = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) if node else none -%}
        {%- set pr = m['production'] -%}
        {%- set p = adapter.get_relation(database=pr['database'], schema=pr['schema'], identifier=pr['identifier']) if pr else none -%}
        {%- set same = b is not none and p is not none and (b | string) == (p | string) -%}
        {%- do r.update({'in_graph': node is not none, 'branch': (b | string) if b else none, 'production': (p | string) if p else none, 'same_relation': same}) -%}
        {%- set sides = [] -%}
        {%- if p is not none -%}{%- do sides.append(['production', p, adapter.get_columns_in_relation(p)]) -%}{%- endif -%}
        {%- if b is not none and not same -%}{%- do sides.append(['branch', b, adapter.get_columns_in_relation(b)]) -%}{%- endif -%}
        {#- Names holding a quote character are never put into SQL: adapter.quote does not escape them. -#}
        {%- set unquotable = [] -%}
        {%- for side in sides -%}{%- for c in side[2] if '"' in c.name or '`' in c.name -%}{%- do unquotable.append(c.name) -%}{%- endfor -%}{%- endfor -%}
        {%- do r.update({'unquotable': unquotable}) -%}
        {%- set keys = {} -%}
        {%- set parts = [] -%}
        {%- set labels = [] -%}
        {%- for side in sides -%}
          {%- set listed = [] -%}
          {%- for c in side[2] -%}{%- do listed.append([c.name, c.data_type]) -%}{%- endfor -%}
          {%- do r.update({side[0] ~ '_columns': listed}) -%}
          {%- set found = [] -%}
          {%- for k in m['key'] -%}
            {%- for c in side[2] if c.name | lower == k | lower and c.name not in unquotable -%}{%- do found.append(c) -%}{%- endfor -%}
          {%- endfor -%}
          {%- do parts.append('(select count(*) from ' ~ side[1] ~ ')') -%}
          {%- do labels.append(side[0] ~ '_rows') -%}
          {%- if m['key'] and found | length == m['key'] | length -%}
            {%- do keys.update({side[0]: found}) -%}
            {%- set quoted = [] -%}{%- set nulls = [] -%}{%- set present = [] -%}
            {%- for c in found -%}
              {%- do quoted.append(adapter.quote(c.name)) -%}
              {%- do nulls.append(adapter.quote(c.name) ~ ' is null') -%}
              {%- do present.append(adapter.quote(c.name) ~ ' is not null') -%}
            {%- endfor -%}
            {%- do parts.append('(select count(*) from (select ' ~ quoted | join(', ') ~ ' from ' ~ side[1] ~ ' where ' ~ present | join(' and ') ~ ' group by ' ~ quoted | join(', ') ~ ' having count(*) > 1) rationale_duplicates)') -%}
            {%- do labels.append(side[0] ~ '_duplicates') -%}
            {%- do parts.append('(select count(*) from ' ~ side[1] ~ ' where ' ~ nulls | join(' or ') ~ ')') -%}
            {%- do labels.append(side[0] ~ '_nulls') -%}
          {%- endif -%}
        {%- endfor -%}
        {%- set counts = {} -%}
        {%- if parts -%}
          {%- set selected = [] -%}
          {%- for part in parts -%}{%- do selected.append(part ~ ' as rationale_' ~ loop.index0) -%}{%- endfor -%}
          {%- set table = run_query('select ' ~ selected | join(', ')) -%}
          {%- for label in labels -%}{%- do counts.update({label: table.rows[0][loop.index0] | int}) -%}{%- endfor -%}
        {%- endif -%}
        {%- do r.update({'counts': counts}) -%}
        {%- set clean = keys.get('production') and keys.get('branch') and counts.get('production_duplicates') == 0 and counts.get('branch_duplicates') == 0 and counts.get('production_nulls') == 0 and counts.get('branch_nulls') == 0 -%}
        {%- if clean -%}
          {%- set pcols = sides[0][2] -%}
          {%- set bcols = sides[1][2] -%}
          {%- set keynames = [] -%}{%- for c in keys['branch'] -%}{%- do keynames.append(c.name | lower) -%}{%- endfor -%}
          {%- set wanted = [] -%}{%- for w in (m['compare'] or []) -%}{%- do wanted.append(w | lower) -%}{%- endfor -%}
          {%- set pairs = [] -%}
          {%- for bc in bcols if bc.name | lower not in keynames and (not wanted or bc.name | lower in wanted) and bc.name not in unquotable -%}
            {%- for pc in pcols if pc.name | lower == bc.name | lower -%}{%- do pairs.append([pc, bc]) -%}{%- endfor -%}
          {%- endfor -%}
          {%- set fallback = (wanted | length > 0) and (pairs | length == 0) -%}
          {%- if fallback -%}
            {%- for bc in bcols if bc.name | lower not in keynames and bc.name not in unquotable -%}
              {%- for pc in pcols if pc.name | lower == bc.name | lower -%}{%- do pairs.append([pc, bc]) -%}{%- endfor -%}
            {%- endfor -%}
          {%- endif -%}
          {%- set left_out = [pairs | length - m['max_columns'], 0] | max -%}
          {%- set pairs = pairs[:m['max_columns']] -%}
          {%- set pside = [] -%}{%- set bside = [] -%}{%- set on = [] -%}{%- set keysel = [] -%}{%- set korder = [] -%}
          {%- for i in range(keys['branch'] | length) -%}
            {%- set pk = adapter.quote(keys['production'][i].name) -%}
            {%- set bk = adapter.quote(keys['branch'][i].name) -%}
            {%- if keys['production'][i].data_type | lower != keys['branch'][i].data_type | lower -%}
              {%- set pk = dbt.cast(pk, text_type) -%}{%- set bk = dbt.cast(bk, text_type) -%}
            {%- endif -%}
            {%- do pside.append(pk ~ ' as rationale_k' ~ i) -%}
            {%- do bside.append(bk ~ ' as rationale_k' ~ i) -%}
            {%- do on.append('rationale_p.rationale_k' ~ i ~ ' = rationale_b.rationale_k' ~ i) -%}
            {%- do keysel.append('coalesce(rationale_p.rationale_k' ~ i ~ ', rationale_b.rationale_k' ~ i ~ ') as rationale_k' ~ i) -%}
            {%- do korder.append('rationale_k' ~ i) -%}
          {%- endfor -%}
          {%- set compared = [] -%}{%- set as_text = [] -%}{%- set diffs = [] -%}{%- set valuesel = [] -%}
          {%- for pair in pairs -%}
            {%- set pc = adapter.quote(pair[0].name) -%}
            {%- set bc = adapter.quote(pair[1].name) -%}
            {%- if pair[0].data_type | lower != pair[1].data_type | lower -%}
              {%- set pc = dbt.cast(pc, text_type) -%}{%- set bc = dbt.cast(bc, text_type) -%}
              {%- do as_text.append(pair[1].name) -%}
            {%- endif -%}
            {%- do compared.append(pair[1].name) -%}
            {%- do pside.append(pc ~ ' as rationale_c' ~ loop.index0) -%}
            {%- do bside.append(bc ~ ' as rationale_c' ~ loop.index0) -%}
            {%- set a = 'rationale_p.rationale_c' ~ loop.index0 -%}{%- set z = 'rationale_b.rationale_c' ~ loop.index0 -%}
            {%- do valuesel.append(a ~ ' as rationale_p' ~ loop.index0 ~ ', ' ~ z ~ ' as rationale_b' ~ loop.index0) -%}
            {%- do diffs.append('case when ' ~ a ~ ' = ' ~ z ~ ' or (' ~ a ~ ' is null and ' ~ z ~ ' is null) then 0 else 1 end as rationale_d' ~ loop.index0) -%}
          {%- endfor -%}
          {%- set joined -%}
        with rationale_p as (select 1 as rationale_in, {{ pside | join(', ') }} from {{ sides[0][1] }}),
        rationale_b as (select 1 as rationale_in, {{ bside | join(', ') }} from {{ sides[1][1] }}),
        rationale_j as (
          select rationale_p.rationale_in as rationale_in_p, rationale_b.rationale_in as rationale_in_b, {{ keysel | join(', ') }}
          {%- for v in valuesel %}, {{ v }}{% endfor %}{% for d in diffs %}, {{ d }}{% endfor %}
          from rationale_p full outer join rationale_b on {{ on | join(' and ') }}
        )
          {%- endset -%}
          {%- set dsum = [] -%}{%- for d in diffs -%}{%- do dsum.append('rationale_d' ~ loop.index0) -%}{%- endfor -%}
          {%- set changed_expr = (dsum | join(' + ')) if dsum else '0' -%}
          {%- set both = 'rationale_in_p is not null and rationale_in_b is not null' -%}
          {%- set sums = ['sum(case when rationale_in_p is null then 1 else 0 end)', 'sum(case when rationale_in_b is null then 1 else 0 end)',
                          'sum(case when ' ~ both ~ ' and (' ~ changed_expr ~ ') > 0 then 1 else 0 end)', 'sum(case when ' ~ both ~ ' and (' ~ changed_expr ~ ') = 0 then 1 else 0 end)'] -%}
          {%- for d in dsum -%}{%- do sums.append('sum(case when ' ~ both ~ ' then ' ~ d ~ ' else 0 end)') -%}{%- endfor -%}
          {%- set table = run_query(joined ~ ' select ' ~ sums | join(', ') ~ ' from rationale_j') -%}
          {%- set row = table.rows[0] -%}
          {%- set by_column = [] -%}{%- for d in dsum -%}{%- do by_column.append(row[4 + loop.index0] | int) -%}{%- endfor -%}
          {%- set values = {'columns': compared, 'fallback': fallback, 'left_out': left_out, 'as_text': as_text, 'added': row[0] | int, 'removed': row[1] | int, 'changed': row[2] | int, 'unchanged': row[3] | int, 'by_column': by_column, 'examples': []} -%}
          {%- if values['added'] + values['removed'] + values['changed'] > 0 and plan['examples'] > 0 -%}
            {%- set kind = "case when rationale_in_p is null then 'added' when rationale_in_b is null then 'removed' else 'changed' end" -%}
            {%- set shown = [] -%}
            {%- for k in korder -%}{%- do shown.append(dbt.cast(k, text_type)) -%}{%- endfor -%}
            {%- for i in range([compared | length, plan['example_columns']] | min) -%}
              {%- do shown.append(dbt.cast('rationale_p' ~ i, text_type)) -%}{%- do shown.append(dbt.cast('rationale_b' ~ i, text_type)) -%}
            {%- endfor -%}
            {%- set sample = joined ~ ' select rationale_kind, ' ~ shown | join(', ') ~ ' from (select ' ~ kind ~ ' as rationale_kind, rationale_j.*, row_number() over (partition by ' ~ kind ~ ' order by ' ~ korder | join(', ') ~ ') as rationale_n from rationale_j where rationale_in_p is null or rationale_in_b is null or (' ~ changed_expr ~ ') > 0) rationale_e where rationale_n <= ' ~ (plan['examples'] | int) ~ ' order by rationale_kind, rationale_n' -%}
            {%- for row in run_query(sample).rows -%}
              {%- set cells = [] -%}
              {%- for v in row -%}{%- do cells.append(none if v is none else (v | string)[:plan['example_chars']]) -%}{%- endfor -%}
              {%- do values['examples'].append(cells) -%}
            {%- endfor -%}
          {%- endif -%}
          {%- do r.update({'values': values}) -%}
        {%- endif -%}
        {%- endfor -%}
        {%- endif -%}
        select '{{ tojson(results) | urlencode }}' as rationale_proof
        """#
}
