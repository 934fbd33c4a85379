// A command: a name, a predicate (`can`: null when allowed, else the reason shown to the user) and a
// `perform` that returns the patch. History applies the patch and keeps its inverse.
import type { NetworkDoc } from '../../../../engine/core';
import type { Op } from '../patch';

export interface Command<A> {
  name: string;
  can?(doc: NetworkDoc, a: A): string | null;
  perform(doc: NetworkDoc, a: A): Op[];
}

export const command = <A>(c: Command<A>): Command<A> => c;

export interface ViewState {
  positions?: Record<string, { x: number; y: number }>;
  collapsed?: Record<string, boolean>;
}
export const viewOf = (doc: NetworkDoc): ViewState => (doc.view ?? {}) as ViewState;
