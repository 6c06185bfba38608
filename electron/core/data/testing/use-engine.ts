/** Test helper run as a child process: queries through the process's data engine, then exits without closing it. */
import { withConnection } from '../engine.js';

const rows = await withConnection(async (connection) => (await connection.runAndReadAll('SELECT 1 AS one')).getRows());
if (rows.length !== 1) process.exitCode = 1;
