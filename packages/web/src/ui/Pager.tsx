import { Button, Group, Text } from '@mantine/core';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Previous / next for a paged list answered as `{ rows, total, pageSize }`. The server sets the
 * page size; without one in the answer, the largest page seen is taken as it.
 */
export function Pager({
  page,
  total,
  shown,
  pageSize: given,
  onPage,
}: {
  page: number;
  total: number;
  shown: number;
  pageSize?: number | undefined;
  onPage: (page: number) => void;
}) {
  const { t } = useTranslation();
  const size = useRef(0);
  size.current = Math.max(size.current, shown);
  const pageSize = given ?? (size.current || 1);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1 && page === 1) return null;
  return (
    <Group gap="xs" justify="flex-end" data-testid="pager">
      <Button size="xs" variant="default" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('pager.previous')}
      </Button>
      <Text size="sm" aria-live="polite">
        {t('pager.page', { page, pages })}
      </Text>
      <Button size="xs" variant="default" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('pager.next')}
      </Button>
    </Group>
  );
}
