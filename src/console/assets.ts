/** @module The console's stylesheet and scripts (the files in ./assets), served and linked by content hash. */
import { readdirSync } from 'node:fs';
import { extname } from 'node:path';
import { CSS, JS, StaticAssets } from '../http/static-assets.ts';

const TYPES: Record<string, string> = { '.css': CSS, '.js': JS };
const DIR = new URL('./assets/', import.meta.url);

/** Every .css and .js file of src/console/assets, under /console/assets/. */
export const CONSOLE_ASSETS = new StaticAssets('/console/assets/', new Map(
  readdirSync(DIR).filter((name) => extname(name) in TYPES).map((name) => [name, { file: new URL(name, DIR), type: TYPES[extname(name)] }]),
));

/** The URL a console page links one of its files by, e.g. `/console/assets/console.css?v=3f2a…`. */
export const consoleAsset = (name: string): string => CONSOLE_ASSETS.href(name);
