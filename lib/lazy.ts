// A package most processes never need is loaded on first use, not at start (issue #11, memory at rest):
// `const tap = lazy(() => require("tap-parser") as typeof TapModule)`. Works in the server bundle (CommonJS)
// and in Next's route bundles alike; types come from an `import type`.
export function lazy<T>(load: () => T): () => T {
  let loaded = false;
  let value: T;
  return () => {
    if (!loaded) {
      value = load();
      loaded = true;
    }
    return value;
  };
}
