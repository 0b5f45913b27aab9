import { lab } from '$lib/server/lab';

/** Server-sent events: every progress update of a run launched here, then its end. */
export const GET = ({ params }) => {
  let unsubscribe: (() => void) | null = null;
  const stream = new ReadableStream({
    start(controller) {
      const enc = new TextEncoder();
      const send = (e: unknown): void => controller.enqueue(enc.encode(`data: ${JSON.stringify(e)}\n\n`));
      unsubscribe = lab().subscribe(params.id, (e) => {
        send(e);
        if (e.type === 'end') {
          queueMicrotask(() => {
            unsubscribe?.();
            controller.close();
          });
        }
      });
      if (!unsubscribe) {
        send({ type: 'unknown', runId: params.id });
        controller.close();
      }
    },
    cancel() {
      unsubscribe?.();
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  });
};
