import { Button, Group, SegmentedControl, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listCampaigns } from '../../api/campaigns.ts';
import { linkClick } from '../../app/router.ts';
import { useSession } from '../../app/session.ts';
import { Pager } from '../../ui/Pager.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { CampaignTable } from './CampaignTable.tsx';

/** The campaign history, newest first: everyone's or your own. */
export function CampaignsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const [page, setPage] = useState(1);
  const [mine, setMine] = useState(false);
  const campaigns = useApi(`campaigns:${page}:${mine}`, (signal) => listCampaigns({ page, mine }, signal));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('campaigns.title')}</Title>
        {can('send_campaigns') && (
          <Button component="a" href="/campaigns/new" onClick={linkClick('/campaigns/new')}>
            {t('campaigns.new')}
          </Button>
        )}
      </Group>
      <SegmentedControl
        aria-label={t('campaigns.whose')}
        value={mine ? 'mine' : 'all'}
        onChange={(v) => {
          setMine(v === 'mine');
          setPage(1);
        }}
        data={[
          { value: 'all', label: t('campaigns.all') },
          { value: 'mine', label: t('campaigns.mine') },
        ]}
        w="fit-content"
      />
      {campaigns.state === 'loading' && <Loading />}
      {campaigns.state === 'error' && <ErrorState error={campaigns.error} onRetry={campaigns.reload} />}
      {campaigns.state === 'ready' &&
        (campaigns.data.campaigns.length === 0 ? (
          <EmptyState title={t('campaigns.none')}>{t('campaigns.noneHint')}</EmptyState>
        ) : (
          <>
            <CampaignTable campaigns={campaigns.data.campaigns} locale={i18n.language} />
            <Pager
              page={page}
              total={campaigns.data.total}
              shown={campaigns.data.campaigns.length}
              pageSize={campaigns.data.pageSize}
              onPage={setPage}
            />
          </>
        ))}
    </Stack>
  );
}
