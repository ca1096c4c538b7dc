import { ScrollArea, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../ui/format.ts';

/** A cell as a person reads it: numbers in the locale, null as a dash, objects as JSON. */
export function cellText(locale: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(locale, value, 4);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The rows of one query, in column order, scrolling within its box. */
export function ResultTable({
  columns,
  rows,
  truncated,
  testId,
}: {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  if (columns.length === 0) return null;
  return (
    <div data-testid={testId}>
      <ScrollArea.Autosize mah={360} type="auto">
        <Table striped withTableBorder fz="xs" stickyHeader>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.name} title={c.type}>
                  {c.name}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, i) => (
              // Rows have no identity of their own; their order is the query's.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <Table.Tr key={i}>
                {row.map((cell, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                  <Table.Td key={j} style={{ textAlign: typeof cell === 'number' ? 'right' : undefined }}>
                    {cellText(i18n.language, cell)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      <Text size="xs" c="dimmed" mt={4}>
        {truncated
          ? t('explore.truncated', { count: rows.length })
          : t('explore.rowCount', { count: rows.length })}
      </Text>
    </div>
  );
}
