// Worker entry in plain JS: workers do not inherit the parent's TypeScript loader, so register tsx here.
import { register } from 'tsx/esm/api';

register();
await import('./store-worker.ts');
