import { Alert, Badge, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CustomerView } from '../../api/types.ts';
import { formatDateTime, formatPercent } from '../../ui/format.ts';
import { TierBadge } from '../../ui/TierBadge.tsx';

function Field({ label, value }: { label: string; value: string | null }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text>{value ?? '—'}</Text>
    </Stack>
  );
}

/** One customer as Lookout shows them: contact, segment, churn risk, reasons, recommendation. */
export function CustomerCard({ view }: { view: CustomerView }) {
  const { t, i18n } = useTranslation();
  const { customer, analysis } = view;
  return (
    <Card withBorder data-testid="customer-card">
      <Stack>
        <Group justify="space-between">
          <Title order={3}>{customer.name ?? customer.id}</Title>
          {analysis?.insider && <Badge color="grape">{t('lookout.insider')}</Badge>}
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          <Field label={t('lookout.id')} value={customer.id} />
          <Field label={t('lookout.phone')} value={customer.phone} />
          <Field label={t('lookout.email')} value={customer.email} />
          <Field label={t('lookout.location')} value={customer.location} />
          <Field label={t('lookout.store')} value={customer.store} />
          <Field label={t('lookout.dataset')} value={customer.datasetName} />
        </SimpleGrid>
        {analysis === null ? (
          <Alert color="gray">{t('lookout.noAnalysis')}</Alert>
        ) : (
          <>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {t('lookout.segment')}
                </Text>
                <Text fw={600} data-testid="customer-segment">
                  {analysis.segment.name}
                </Text>
                {analysis.segment.segmentation && analysis.segment.segmentation !== 'main' && (
                  <Text size="xs" c="dimmed" data-testid="customer-segmentation">
                    {t('lookout.inSegmentation', {
                      name: analysis.segment.segmentationName ?? analysis.segment.segmentation,
                    })}
                  </Text>
                )}
                {analysis.segment.description && (
                  <Text size="sm" c="dimmed">
                    {analysis.segment.description}
                  </Text>
                )}
              </Stack>
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {t('lookout.churn')}
                </Text>
                {analysis.churn ? (
                  <Group gap="xs">
                    <TierBadge tier={analysis.churn.tier} />
                    <Text>
                      {t('lookout.probability', {
                        p: formatPercent(i18n.language, analysis.churn.probability),
                      })}
                    </Text>
                  </Group>
                ) : (
                  <Text c="dimmed">{t('lookout.noChurn')}</Text>
                )}
              </Stack>
            </SimpleGrid>
            {analysis.reasons.length > 0 && (
              <Stack gap={4}>
                <Text fw={600}>{t('lookout.reasons')}</Text>
                <List size="sm" data-testid="customer-reasons">
                  {analysis.reasons.slice(0, 5).map((r) => (
                    <List.Item key={r.feature}>{r.text}</List.Item>
                  ))}
                </List>
              </Stack>
            )}
            <Alert color="indigo" title={t('lookout.recommendation')}>
              {analysis.recommendation}
            </Alert>
          </>
        )}
        <Stack gap={4} data-testid="customer-messages">
          <Text fw={600}>{t('lookout.messages')}</Text>
          {view.messages.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('lookout.noMessages')}
            </Text>
          ) : (
            view.messages.map((m) => (
              <Card key={m.campaignId} withBorder padding="xs">
                <Group justify="space-between" wrap="nowrap">
                  <Text size="sm" fw={600}>
                    {t('lookout.messageFrom', {
                      campaign: m.campaign,
                      channel: t(`channels.kinds.${m.channel}`),
                    })}
                  </Text>
                  <Group gap="xs" wrap="nowrap">
                    <Badge variant="light" color={m.status === 'failed' ? 'red' : 'teal'}>
                      {t(`deliveries.statuses.${m.status}`)}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {formatDateTime(i18n.language, m.at)}
                    </Text>
                  </Group>
                </Group>
                {m.subject && <Text size="sm">{m.subject}</Text>}
                <Text size="sm" c="dimmed" lineClamp={3}>
                  {m.body}
                </Text>
              </Card>
            ))
          )}
        </Stack>
      </Stack>
    </Card>
  );
}
