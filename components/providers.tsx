"use client";
// App-wide client providers: next-auth's session context and the React Query cache.
// The realtime provider needs a signed-in user, so the dashboard layout mounts it (see RealtimeProvider).
import { useState, type ReactNode } from "react";
import { SessionProvider } from "next-auth/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { shouldRetry } from "@/lib/client/api";
import { Toaster } from "./ui/toaster";

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
  return (
    <SessionProvider refetchOnWindowFocus={false}>
      <QueryClientProvider client={queryClient}>
        {children}
        <Toaster />
      </QueryClientProvider>
    </SessionProvider>
  );
}
