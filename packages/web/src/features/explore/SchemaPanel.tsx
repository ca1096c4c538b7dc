import { Accordion, Code, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatInteger } from '../../ui/format.ts';
import type { RunTable } from './types.ts';

/** The run's tables beside the console: columns, types and what each means. */
export function SchemaPanel({ tables }: { tables: RunTable[] }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack gap="xs" data-testid="schema-panel">
      <Title order={4}>{t('explore.schema')}</Title>
      <Accordion multiple variant="contained" defaultValue={tables.slice(0, 1).map((x) => x.name)}>
        {tables.map((table) => (
          <Accordion.Item key={table.name} value={table.name}>
            <Accordion.Control>
              <Code>{table.name}</Code>{' '}
              <Text span size="xs" c="dimmed">
                {t('explore.tableRows', {
                  count: table.rows,
                  rows: formatInteger(i18n.language, table.rows),
                })}
              </Text>
            </Accordion.Control>
            <Accordion.Panel>
              {table.description && (
                <Text size="xs" c="dimmed" mb={4}>
                  {table.description}
                </Text>
              )}
              <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {table.columns.map((c) => (
                  <li key={c.name}>
                    <Text size="xs">
                      <Code>{c.name}</Code>{' '}
                      <Text span size="xs" c="dimmed">
                        {c.type}
                        {c.description ? ` — ${c.description}` : ''}
                      </Text>
                    </Text>
                  </li>
                ))}
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Stack>
  );
}
