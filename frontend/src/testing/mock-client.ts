import { Client, makeResult, makeErrorResult, type Exchange, type Operation } from '@urql/core';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { filter, fromPromise, makeSubject, mergeMap, pipe, share, type Subject } from 'wonka';

type Vars = Record<string, unknown>;
/** Returns the `data` for an operation, or throws to produce a GraphQL error. */
export type Handler = (variables: Vars) => unknown | Promise<unknown>;

export interface MockCall {
  name: string;
  kind: string;
  variables: Vars;
}

export interface MockClient {
  client: Client;
  calls: MockCall[];
  callsTo(name: string): MockCall[];
  /** Pushes one subscription event to every open subscription with this operation name. */
  push(name: string, data: unknown): void;
}

function operationName(query: DocumentNode): string {
  const def = query.definitions.find((d) => d.kind === 'OperationDefinition') as
    | OperationDefinitionNode
    | undefined;
  return def?.name?.value ?? '';
}

/**
 * A real urql client whose network is a table of handlers by operation name, so components run
 * through urql's cache and hooks exactly as in the app.
 */
export function createMockClient(handlers: Record<string, Handler>): MockClient {
  const calls: MockCall[] = [];
  const subjects = new Map<string, Subject<unknown>>();

  const subjectFor = (name: string) => {
    let s = subjects.get(name);
    if (!s) {
      s = makeSubject<unknown>();
      subjects.set(name, s);
    }
    return s;
  };

  const mockExchange: Exchange = () => (ops$) => {
    const shared = pipe(ops$, share);
    return pipe(
      shared,
      filter((op: Operation) => op.kind !== 'teardown'),
      mergeMap((op: Operation) => {
        const name = operationName(op.query);
        calls.push({ name, kind: op.kind, variables: (op.variables ?? {}) as Vars });
        if (op.kind === 'subscription') {
          const subject = subjectFor(name);
          return pipe(
            subject.source,
            mergeMap((data) => fromPromise(Promise.resolve(makeResult(op, { data: data as Record<string, unknown> })))),
          );
        }
        const handler = handlers[name];
        const run = async () => {
          if (!handler) throw new Error(`no mock handler for operation ${name}`);
          return handler((op.variables ?? {}) as Vars);
        };
        return fromPromise(
          run().then(
            (data) => makeResult(op, { data: data as Record<string, unknown> }),
            (err: Error) => makeErrorResult(op, err),
          ),
        );
      }),
    );
  };

  const client = new Client({
    url: '/graphql',
    exchanges: [mockExchange],
    requestPolicy: 'network-only',
  });

  return {
    client,
    calls,
    callsTo: (name) => calls.filter((c) => c.name === name),
    push(name, data) {
      subjectFor(name).next(data);
    },
  };
}
