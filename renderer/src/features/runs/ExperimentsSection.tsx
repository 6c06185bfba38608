/** The Experiments section's pages: the list, one experiment's runs, one run, and the compare view. */
import { Route, Routes } from 'react-router';
import { ExperimentsPage } from '../experiments/ExperimentsPage';
import { ComparePage } from './ComparePage';
import { RunPage } from './RunPage';
import { RunsPage } from './RunsPage';

/** Routes under /experiments/*. */
export function ExperimentsSection() {
  return (
    <Routes>
      <Route index element={<ExperimentsPage />} />
      <Route path=":experimentId" element={<RunsPage />} />
      <Route path=":experimentId/compare" element={<ComparePage />} />
      <Route path=":experimentId/runs/:runId" element={<RunPage />} />
    </Routes>
  );
}
