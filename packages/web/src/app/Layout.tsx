import {
  AppShell,
  Badge,
  Burger,
  Button,
  Divider,
  Group,
  NavLink,
  SegmentedControl,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage } from '../i18n/index.ts';
import { linkClick } from './router.ts';
import { useSession } from './session.ts';

const MAIN_PAGES = [
  'home',
  'data',
  'charts',
  'explore',
  'builder',
  'segments',
  'insiders',
  'lookout',
  'manager',
] as const;
/** The campaign screens, below the others: a new campaign, the history, the outbox, the channels. */
const CAMPAIGN_PAGES = ['distribution', 'campaigns', 'outbox', 'settings'] as const;
export const PAGES = [...MAIN_PAGES, ...CAMPAIGN_PAGES] as const;
export type PageId = (typeof PAGES)[number];

export function pagePath(page: PageId): string {
  if (page === 'home') return '/';
  if (page === 'distribution') return '/campaigns/new';
  return `/${page}`;
}

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('nav.language')}
      value={i18n.resolvedLanguage ?? 'en'}
      onChange={(lng) => setLanguage(lng)}
      data={LANGUAGES.map((l) => ({ value: l, label: l.toUpperCase() }))}
      data-testid="language-switcher"
    />
  );
}

function PageLink({ page, current }: { page: PageId; current: PageId | null }) {
  const { t } = useTranslation();
  return (
    <NavLink
      href={pagePath(page)}
      label={t(`nav.${page}`)}
      active={page === current}
      onClick={linkClick(pagePath(page))}
      aria-current={page === current ? 'page' : undefined}
    />
  );
}

export function Layout({ page, children }: { page: PageId | null; children: React.ReactNode }) {
  const { t } = useTranslation();
  const { me, signOut, can } = useSession();
  const [opened, { toggle }] = useDisclosure();
  const roles = [...new Set(me.memberships.map((m) => m.role))];
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            <Title order={3}>Clientele</Title>
            <Text c="dimmed" size="sm" visibleFrom="md">
              {me.organisation.name}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSwitcher />
            <Stack gap={0} visibleFrom="sm" align="flex-end">
              <Text size="sm" data-testid="signed-in-as">
                {me.user.name}
              </Text>
              <Group gap={4}>
                {roles.map((r) => (
                  <Badge key={r} size="xs" variant="light">
                    {t(`roles.${r}`)}
                  </Badge>
                ))}
              </Group>
            </Stack>
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              {t('auth.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.main')}>
        {MAIN_PAGES.map((p) => (
          <PageLink key={p} page={p} current={page} />
        ))}
        <Divider my="xs" label={t('nav.campaignsSection')} labelPosition="left" />
        {CAMPAIGN_PAGES.filter(
          (p) =>
            (p !== 'settings' || can('manage_members')) && (p !== 'distribution' || can('send_campaigns')),
        ).map((p) => (
          <PageLink key={p} page={p} current={page} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
