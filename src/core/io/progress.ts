/** Long work reports progress through a callback its caller passes in (the core has no terminal or UI). */
export type Progress = (done: number, total: number, what: string) => void;
