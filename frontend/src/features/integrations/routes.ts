import type {
  IntegrationRouteFieldsFragment,
  IntegrationRouteInput,
  RouteField,
  RouteOp,
  Severity,
} from '@/gql/graphql';

export const ROUTE_FIELDS: { value: RouteField; label: string }[] = [
  { value: 'ALARM_NAME', label: 'alarm name' },
  { value: 'ALARM_ARN', label: 'alarm ARN' },
  { value: 'AWS_ACCOUNT_ID', label: 'AWS account' },
  { value: 'REGION', label: 'region' },
  { value: 'NAMESPACE', label: 'namespace' },
  { value: 'METRIC_NAME', label: 'metric name' },
  { value: 'DIMENSION', label: 'dimension' },
];

export const ROUTE_OPS: { value: RouteOp; label: string }[] = [
  { value: 'GLOB', label: 'matches' },
  { value: 'EQUALS', label: 'equals' },
  { value: 'REGEX', label: 'matches regex' },
];

const fieldLabel = (f: RouteField) => ROUTE_FIELDS.find((x) => x.value === f)?.label ?? f;
const opLabel = (o: RouteOp) => ROUTE_OPS.find((x) => x.value === o)?.label ?? o;

export interface ConditionDraft {
  field: RouteField;
  dimension: string;
  op: RouteOp;
  value: string;
}

export interface RuleDraft {
  /** React key; stable while editing. */
  key: string;
  id: string | null;
  name: string;
  conditions: ConditionDraft[];
  componentId: string | null;
  severity: Severity | null;
  escalationPolicyId: string | null;
}

/** "alarm name matches orders-db-*", "dimension DBInstanceIdentifier equals orders-db". */
export function describeCondition(c: { field: RouteField; dimension?: string | null; op: RouteOp; value: string }): string {
  const subject = c.field === 'DIMENSION' ? `dimension ${c.dimension || '?'}` : fieldLabel(c.field);
  return `${subject} ${opLabel(c.op)} ${c.value}`;
}

/** The conditions of a rule as one line; no conditions match every alarm. */
export function describeConditions(cs: readonly { field: RouteField; dimension?: string | null; op: RouteOp; value: string }[]): string {
  return cs.length === 0 ? 'every alarm' : cs.map(describeCondition).join(' and ');
}

let seq = 0;
export const newKey = () => `rule-${++seq}`;

export const emptyCondition = (): ConditionDraft => ({ field: 'ALARM_NAME', dimension: '', op: 'GLOB', value: '' });

export const emptyRule = (): RuleDraft => ({
  key: newKey(),
  id: null,
  name: '',
  conditions: [emptyCondition()],
  componentId: null,
  severity: null,
  escalationPolicyId: null,
});

export function toDraft(r: IntegrationRouteFieldsFragment): RuleDraft {
  return {
    key: newKey(),
    id: r.id,
    name: r.name,
    conditions: r.conditions.map((c) => ({ field: c.field, dimension: c.dimension ?? '', op: c.op, value: c.value })),
    componentId: r.component.id,
    severity: r.severity ?? null,
    escalationPolicyId: r.escalationPolicyId ?? null,
  };
}

/** The API input for the rules, in order. */
export function toInput(rules: readonly RuleDraft[]): IntegrationRouteInput[] {
  return rules.map((r) => ({
    ...(r.id ? { id: r.id } : {}),
    name: r.name.trim(),
    conditions: r.conditions.map((c) => ({
      field: c.field,
      ...(c.field === 'DIMENSION' ? { dimension: c.dimension.trim() } : {}),
      op: c.op,
      value: c.value,
    })),
    componentId: r.componentId ?? '',
    severity: r.severity,
    escalationPolicyId: r.escalationPolicyId,
  }));
}

/**
 * Splits the API's errors into those naming a rule's input (`routes.1.conditions.0.value`, with or
 * without an `input.` prefix) and the rest.
 */
export function splitRouteErrors(errors: readonly { field?: string | null; message: string }[]) {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const e of errors) {
    const f = e.field?.replace(/^input\./, '') ?? '';
    if (/^routes\.\d+\./.test(f)) fields[f] = e.message;
    else general.push(e.message);
  }
  return { fields, general };
}
