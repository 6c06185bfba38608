import { AppShell, Group, NavLink, Title, Tooltip, Kbd, Stack } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { Navigate, Route, Routes, useLocation, useNavigate, Link } from 'react-router';
import { useEffect, useRef } from 'react';
import { sections } from './sections';
import { StatusBar } from './StatusBar';
import { MonitorAlertNotifier } from '../features/drift/MonitorsPage';
import { MlflowGuidePage } from '../features/docs/DocPage';
import { PipelineNotifier } from '../features/pipelines/PipelineNotifier';

/** The app shell: sidebar of working sections, the page, and a status bar. */
export function App() {
  const location = useLocation();
  const navigate = useNavigate();
  const awaitingSection = useRef(false);

  // "g" then a section's letter jumps there; the sidebar links are reachable with Tab as well.
  useHotkeys([
    [
      'g',
      () => {
        awaitingSection.current = true;
        setTimeout(() => (awaitingSection.current = false), 1000);
      },
    ],
    ...sections.map(
      (section) =>
        [
          section.shortcut,
          () => {
            if (awaitingSection.current) navigate(section.path);
          },
        ] as [string, () => void],
    ),
  ]);
  useEffect(() => {
    document.title = `${sections.find((s) => location.pathname.startsWith(s.path))?.label ?? 'Lathe'} · Lathe`;
  }, [location.pathname]);

  return (
    <AppShell navbar={{ width: 220, breakpoint: 0 }} footer={{ height: 30 }} padding="lg">
      <AppShell.Navbar p="sm" aria-label="Sections">
        <Group gap="xs" mb="md" px="xs">
          <img src="./favicon.svg" width={24} height={24} alt="" />
          <Title order={3}>Lathe</Title>
        </Group>
        <Stack gap={2}>
          {sections.map((section) => (
            <Tooltip
              key={section.path}
              label={
                <>
                  Go to {section.label}: <Kbd size="xs">g</Kbd> <Kbd size="xs">{section.shortcut}</Kbd>
                </>
              }
              position="right"
              openDelay={600}
            >
              <NavLink
                component={Link}
                to={section.path}
                label={section.label}
                leftSection={<section.icon size={18} stroke={1.6} />}
                active={location.pathname.startsWith(section.path)}
              />
            </Tooltip>
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Routes>
          <Route path="/" element={<Navigate to="/experiments" replace />} />
          {sections.map((section) => (
            <Route key={section.path} path={`${section.path}/*`} element={<section.page />} />
          ))}
          <Route path="/docs/mlflow" element={<MlflowGuidePage />} />
          <Route path="*" element={<Navigate to="/experiments" replace />} />
        </Routes>
      </AppShell.Main>
      <AppShell.Footer px="md">
        <StatusBar />
        <MonitorAlertNotifier />
        <PipelineNotifier />
      </AppShell.Footer>
    </AppShell>
  );
}
