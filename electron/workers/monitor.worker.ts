/** The monitor worker: per-window drift, CBPE and metrics of a monitor run off the core thread (see core/monitor/worker/). */
import { computeMonitorWindows } from '../core/monitor/worker/monitor-windows.js';
import type { MonitorWorkerReply, MonitorWorkerRequest } from '../core/monitor/monitor-protocol.js';
import { serveJob } from '../core/workers/worker/serve-job.js';

serveJob<MonitorWorkerRequest, MonitorWorkerReply>((request) => computeMonitorWindows(request));
