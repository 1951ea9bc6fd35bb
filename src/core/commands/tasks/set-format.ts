// crash's show_context block for a TaskContext (commands/shared/task-context.ts, shared with kmem).
export { formatContext, type ContextFormatOptions } from "../shared/task-context";
