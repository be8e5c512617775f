/** @jsxImportSource hono/jsx */
// The filters with their counts, from the search API's facets: each value links to the same search with that
// filter set (or cleared, when it is the one in use). Without facets in the answer nothing is shown; the
// form's selects still filter.
import type { FacetCount, FacetName, SearchAnswer } from './api.js';
import { Fold, searchParams, type FormState } from './layout.js';

const SHOWN = 8; // values per facet: the largest ones, plus the one in use

const labels: Record<FacetName, string> = { category: '类别 category', source: '来源 source', year: '年份 year' };

/** A year facet filters through the date range, which the form already has. */
function yearRange(year: string): Pick<FormState, 'from' | 'to'> {
  return { from: `${year}-01`, to: `${year}-12` };
}

function selected(name: FacetName, value: string, form: FormState): boolean {
  if (name === 'year') return form.from === `${value}-01` && form.to === `${value}-12`;
  return form[name] === value;
}

function toggled(name: FacetName, value: string, form: FormState): FormState {
  const on = !selected(name, value, form);
  if (name === 'year') return { ...form, ...(on ? yearRange(value) : { from: undefined, to: undefined }) };
  return { ...form, [name]: on ? value : undefined };
}

function Group({ name, values, form }: { name: FacetName; values: FacetCount[]; form: FormState }) {
  const shown = values.filter((v, i) => i < SHOWN || selected(name, v.value, form));
  return (
    <div class="facet" data-facet={name}>
      <span class="flabel">{labels[name]}</span>
      {shown.map((v) => {
        const on = selected(name, v.value, form);
        return (
          <a class={on ? 'chip on' : 'chip'} href={`/?${searchParams(toggled(name, v.value, form)).toString()}`} data-value={v.value} aria-current={on ? 'true' : undefined}>
            {v.value} <span class="n">{v.count}</span>
            {on ? ' ×' : ''}
          </a>
        );
      })}
    </div>
  );
}

export function Facets({ res, form }: { res: SearchAnswer; form: FormState }) {
  if (!res.facets) return null;
  const names = (['category', 'source', 'year'] as const).filter((n) => res.facets![n]?.length);
  if (!names.length) return null;
  return (
    <nav class="facets" aria-label="filters">
      <Fold class="facet-fold" summary="按类别、来源、年份筛选 filter by category, source, year" active={Boolean(form.category || form.source || form.from || form.to)}>
        {names.map((n) => (
          <Group name={n} values={res.facets![n]!} form={form} />
        ))}
      </Fold>
    </nav>
  );
}
