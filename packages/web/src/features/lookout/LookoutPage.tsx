import { Autocomplete, Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { CustomerHit, CustomerView } from '../../api/types.ts';
import { navigate, useLocation } from '../../app/router.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { CustomerCard } from './CustomerCard.tsx';

/** Suggestions while typing: ids, names or e-mails starting with the text. */
function useSuggestions(q: string): CustomerHit[] {
  const [hits, setHits] = useState<CustomerHit[]>([]);
  useEffect(() => {
    const text = q.trim();
    if (text.length === 0) {
      setHits([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<{ customers: CustomerHit[] }>(`/api/customers?q=${encodeURIComponent(text)}&limit=10`, {
        signal: controller.signal,
      }).then(
        (r) => setHits(r.customers),
        () => setHits([]),
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);
  return hits;
}

export function LookoutPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const id = search.get('id');
  const datasetId = search.get('datasetId');
  const [text, setText] = useState(id ?? '');
  const hits = useSuggestions(text);
  const customer = useApi(id === null ? null : `${id}|${datasetId ?? ''}`, (signal) =>
    api<CustomerView>(
      `/api/customers/${encodeURIComponent(id!)}${datasetId ? `?datasetId=${encodeURIComponent(datasetId)}` : ''}`,
      { signal },
    ),
  );
  const open = (value: string) => {
    const v = value.trim();
    if (v) navigate(`/lookout?id=${encodeURIComponent(v)}`);
  };
  const options = [...new Set(hits.map((h) => h.customerId))].map((cid) => {
    const h = hits.find((x) => x.customerId === cid)!;
    return { value: cid, label: h.name ? `${cid} — ${h.name}` : cid };
  });

  return (
    <Stack>
      <Title order={2}>{t('lookout.title')}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          open(text);
        }}
      >
        <Group align="flex-end">
          <Autocomplete
            label={t('lookout.search')}
            placeholder={t('lookout.placeholder')}
            value={text}
            onChange={setText}
            data={options}
            onOptionSubmit={(v) => {
              setText(v);
              open(v);
            }}
            filter={({ options: o }) => o}
            w={420}
            data-testid="lookout-search"
          />
          <Button type="submit">{t('lookout.find')}</Button>
        </Group>
      </form>
      {id === null && (
        <Text c="dimmed" size="sm">
          {t('lookout.hint')}
        </Text>
      )}
      {id !== null && customer.state === 'loading' && <Loading />}
      {id !== null &&
        customer.state === 'error' &&
        (customer.error.status === 404 ? (
          <Text role="alert" c="orange">
            {t('lookout.notFound', { id })}
          </Text>
        ) : (
          <ErrorState error={customer.error} onRetry={customer.reload} />
        ))}
      {id !== null && customer.state === 'ready' && customer.data.datasets.length > 1 && (
        <Select
          label={t('lookout.inDatasets', { n: customer.data.datasets.length })}
          data={customer.data.datasets.map((d) => ({ value: d.id, label: d.name }))}
          value={customer.data.customer.datasetId}
          onChange={(d) =>
            d && navigate(`/lookout?id=${encodeURIComponent(id)}&datasetId=${encodeURIComponent(d)}`)
          }
          allowDeselect={false}
          maw={420}
        />
      )}
      {id !== null && customer.state === 'ready' && <CustomerCard view={customer.data} />}
    </Stack>
  );
}
