// The load report of the data contract (met load --json, the upload job, the refresh
// history), and what a person also hears beside it. Types only.

/** Where the pseudonymisation key came from: never the key itself. */
export interface KeyInfo {
  origin: 'environment' | 'key file';
  path?: string;
  /** True when this refresh created the key file. */
  created: boolean;
}

export interface FileReport {
  file: string;
  source?: string;
  status: 'loaded' | 'refused';
  read?: number;
  loaded?: number;
  quarantined?: number;
  reasons?: Record<string, number>;
  absent_columns?: string[];
  dropped_columns?: string[];
  sha256?: string;
  error?: string;
}

/** The load report object of the data contract. */
export interface LoadReport {
  refresh_id: string;
  started_at: string;
  finished_at: string;
  status: 'loaded' | 'failed';
  files: FileReport[];
  error?: string;
}

/** What a person also needs to hear, beyond the contract's report object. */
export interface LoadNotes {
  /** Files read as Windows-1252 and converted. */
  converted: string[];
  /** Dropped columns that look like direct identifiers, by file. */
  identifiers: Record<string, string[]>;
  key: KeyInfo;
  db: string;
  /** Things a person should act on that are not a file's own fault. */
  warnings: string[];
  /** False until the key was read: a refresh refused before then names no key. */
  keyLoaded?: boolean;
  /**
   * The measure families (sql/measures files, and 'published protection') this refresh
   * rebuilt and those it copied from the previous warehouse, nothing they read having
   * changed; `full` says why everything was rebuilt when a previous warehouse was there.
   */
  measures?: { rebuilt: string[]; copied: string[]; full?: string };
  /**
   * How the new warehouse file was written (etl/writeWarehouse.ts): from a copy of the
   * previous file or empty, and the tables handed over to the writer.
   */
  written?: { from: 'a copy of the previous file' | 'empty'; tables: string[] };
}
