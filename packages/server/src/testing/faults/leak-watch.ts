/** Collects unhandled promise rejections while a fault is being tried (a provider must never leave one behind). */
export function watchUnhandledRejections(): { readonly errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onRejection = (reason: unknown): void => void errors.push(reason);
  process.on("unhandledRejection", onRejection);
  return { errors, stop: () => void process.off("unhandledRejection", onRejection) };
}

/** Lets pending callbacks run (a rejection is reported as unhandled only after the microtask queue drains). */
export function settleTicks(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
