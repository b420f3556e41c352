import { Bot } from "lucide-react";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

const PLACEHOLDERS = [
  { id: "agents-online", title: "Agents online", icon: <Bot />, empty: "No agents online yet", hint: "Agents connected with a project token show up here." },
];

/** Cards later features fill in; they already say what will appear. */
export function PlaceholderCards() {
  return PLACEHOLDERS.map((p) => (
    <Card key={p.id} data-testid={p.id}>
      <CardHeader title={p.title} icon={p.icon} />
      <CardBody>
        <p className="text-[13px] font-medium text-zinc-700 dark:text-zinc-300">{p.empty}</p>
        <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">{p.hint}</p>
      </CardBody>
    </Card>
  ));
}
