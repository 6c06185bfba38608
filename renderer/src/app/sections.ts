/** The sidebar's sections. Only sections that work are listed; later features add theirs here. */
import { IconFlask } from '@tabler/icons-react';
import type { ComponentType } from 'react';

/** One entry of the sidebar. */
export interface Section {
  path: string;
  label: string;
  icon: ComponentType<{ size?: number; stroke?: number }>;
  /** The key that jumps to this section after pressing "g" (as in GitHub's shortcuts). */
  shortcut: string;
}

export const sections: Section[] = [{ path: '/experiments', label: 'Experiments', icon: IconFlask, shortcut: 'e' }];
