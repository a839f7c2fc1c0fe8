// script.js, the tracking script third-party pages embed (clients-and-crypto.md §2). The logic lives in
// main.ts so tests can start it with any <script> element; here it reads document.currentScript once.
import { start } from './main';

start(document.currentScript);
