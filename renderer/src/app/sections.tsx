/** The sidebar's sections and their pages. Only sections that work are listed; each feature adds one entry here. */
import { IconFlask, IconBrain } from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { ExperimentsSection } from '../features/runs/ExperimentsSection';
import { DatasetsPage } from '../features/datasets/DatasetsPage';
import { IconDatabase } from '@tabler/icons-react';
import { ModelsPage } from '../features/models/ModelsPage';
import { DriftPage } from '../features/drift/DriftPage';
import { IconChartHistogram, IconHeartRateMonitor } from '@tabler/icons-react';
import { MonitorsPage } from '../features/drift/MonitorsPage';
import { IconHierarchy } from '@tabler/icons-react';
import { LineagePage } from '../features/lineage/LineagePage';
import { IconTimeline } from '@tabler/icons-react';
import { PipelinesPage } from '../features/pipelines/PipelinesPage';

/** One entry of the sidebar, with the page it opens. */
export interface Section {
  path: string;
  label: string;
  icon: ComponentType<{ size?: number; stroke?: number }>;
  /** The key that jumps to this section after pressing "g" (as in GitHub's shortcuts). */
  shortcut: string;
  /** The page; it receives the rest of the path (e.g. /experiments/3/runs) through react-router. */
  page: ComponentType;
}

export const sections: Section[] = [
  { path: '/experiments', label: 'Experiments', icon: IconFlask, shortcut: 'e', page: ExperimentsSection },
  { path: '/datasets', label: 'Datasets', icon: IconDatabase, shortcut: 'd', page: DatasetsPage },
  { path: '/models', label: 'Models', icon: IconBrain, shortcut: 'm', page: ModelsPage },
  { path: '/drift', label: 'Drift', icon: IconChartHistogram, shortcut: 'r', page: DriftPage },
  { path: '/monitors', label: 'Monitors', icon: IconHeartRateMonitor, shortcut: 'o', page: MonitorsPage },
  { path: '/lineage', label: 'Lineage', icon: IconHierarchy, shortcut: 'l', page: LineagePage },
  { path: '/pipelines', label: 'Pipelines', icon: IconTimeline, shortcut: 'p', page: PipelinesPage },
];
