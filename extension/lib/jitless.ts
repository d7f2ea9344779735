import * as z from 'zod/mini';

// Extension pages and content scripts forbid eval (default MV3 CSP). Zod would probe
// `new Function` to speed up parsing; jitless skips the probe. Imported first by every entry,
// before any schema is built.
z.config({ jitless: true });
