// Module hooks that let node load the PathCheck DCC SDK's own ES module sources
// (@pathcheck/dcc-sdk/lib) as they are published: they are ES modules in a package not marked
// "type": "module", and they import relative files without the ".js" extension. (The package's
// CommonJS entry goes through the old `esm` loader, which cannot parse its dependencies.)
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (relative && err.code === 'ERR_MODULE_NOT_FOUND' && !specifier.endsWith('.js')) {
      return next(specifier + '.js', context);
    }
    throw err;
  }
}

export async function load(url, context, next) {
  if (url.includes('/node_modules/@pathcheck/dcc-sdk/lib/')) {
    return next(url, { ...context, format: 'module' });
  }
  return next(url, context);
}
