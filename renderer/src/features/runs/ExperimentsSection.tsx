/** The Experiments section's pages: the list, one experiment's runs, one run, and the compare view. */
import { Route, Routes, useParams } from 'react-router';
import { ExperimentsPage } from '../experiments/ExperimentsPage';
import { ComparePage } from './ComparePage';
import { RunPage } from './RunPage';
import { RunsPage } from './RunsPage';

/** Routes under /experiments/*. */
export function ExperimentsSection() {
  return (
    <Routes>
      <Route index element={<ExperimentsPage />} />
      <Route path=":experimentId" element={<RunsOfExperiment />} />
      <Route path=":experimentId/compare" element={<ComparePage />} />
      <Route path=":experimentId/runs/:runId" element={<RunPage />} />
    </Routes>
  );
}

/** A fresh runs table per experiment (its filter, sort and columns belong to that experiment). */
function RunsOfExperiment() {
  const { experimentId } = useParams();
  return <RunsPage key={experimentId} />;
}
