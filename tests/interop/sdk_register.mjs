// node --import ./sdk_register.mjs: installs sdk_hooks.mjs (see there).
import { register } from 'node:module';

register('./sdk_hooks.mjs', import.meta.url);
