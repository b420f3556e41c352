"use client";
// App-wide client providers: next-auth's session context and the React Query cache.
// The realtime provider needs a signed-in user, so the dashboard layout mounts it (see RealtimeProvider).
import { useState, type ReactNode } from "react";
import { SessionProvider } from "next-auth/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { config as zodConfig } from "zod";
import { shouldRetry } from "@/lib/client/api";
import { useThemeSync } from "@/lib/client/theme";
import { Toaster } from "./ui/toaster";

// The page CSP allows no eval: zod's JIT probe (`Function("")`) would be refused and reported on every
// page (it falls back to the interpreter anyway). Say so up front.
zodConfig({ jitless: true });

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // The socket keeps cached data current; refetch only on demand or after reconnects.
      queries: { staleTime: 60_000, retry: shouldRetry, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  useThemeSync();
  return (
    <SessionProvider refetchOnWindowFocus={false}>
      <QueryClientProvider client={queryClient}>
        {children}
        <Toaster />
      </QueryClientProvider>
    </SessionProvider>
  );
}
