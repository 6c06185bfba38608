/** Path of a better_sqlite3.node built for Electron `electronVersion` (built once, cached); undefined when it cannot be built. */
export function electronSqliteBinding(root: string, electronVersion: string): string | undefined;
