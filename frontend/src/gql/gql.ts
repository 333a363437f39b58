/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Accounts {\n    accounts {\n      id\n      name\n      myRole\n    }\n  }\n": typeof types.AccountsDocument,
    "\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateAccountDocument,
    "\n  mutation UpdateAccount($input: UpdateAccountInput!) {\n    updateAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateAccountDocument,
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    action\n    actorLabel\n    targetType\n    targetId\n    summary\n    createdAt\n    actor {\n      id\n      name\n      email\n    }\n  }\n": typeof types.AuditEntryFieldsFragmentDoc,
    "\n  query Activity($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      auditLog(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...AuditEntryFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.ActivityDocument,
    "\n  subscription AccountActivity($accountId: ID!) {\n    accountActivity(accountId: $accountId) {\n      ...AuditEntryFields\n    }\n  }\n": typeof types.AccountActivityDocument,
    "\n  query ApiTokens($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      apiTokens {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n        createdBy {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": typeof types.ApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      apiToken {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      apiToken {\n        id\n        status\n        revokedAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  query Environments($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      environments {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n    }\n  }\n": typeof types.EnvironmentsDocument,
    "\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateEnvironmentDocument,
    "\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateEnvironmentDocument,
    "\n  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {\n    deleteEnvironment(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.DeleteEnvironmentDocument,
    "\n  query Members($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      name\n      myRole\n      members {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      membership {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.AddMemberDocument,
    "\n  mutation UpdateMemberRole($input: UpdateMemberRoleInput!) {\n    updateMemberRole(input: $input) {\n      membership {\n        id\n        role\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RemoveMemberDocument,
    "\n  query Profile {\n    me {\n      authMethod\n      user {\n        id\n        email\n        name\n        isSystemAdmin\n        createdAt\n        memberships {\n          id\n          role\n          account {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.ProfileDocument,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      user {\n        id\n        name\n        email\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.UpdateProfileDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ok\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.ChangePasswordDocument,
    "\n  query AccountRole($id: ID!) {\n    account(id: $id) {\n      id\n      name\n      myRole\n    }\n  }\n": typeof types.AccountRoleDocument,
};
const documents: Documents = {
    "\n  query Accounts {\n    accounts {\n      id\n      name\n      myRole\n    }\n  }\n": types.AccountsDocument,
    "\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateAccountDocument,
    "\n  mutation UpdateAccount($input: UpdateAccountInput!) {\n    updateAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateAccountDocument,
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    action\n    actorLabel\n    targetType\n    targetId\n    summary\n    createdAt\n    actor {\n      id\n      name\n      email\n    }\n  }\n": types.AuditEntryFieldsFragmentDoc,
    "\n  query Activity($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      auditLog(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...AuditEntryFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.ActivityDocument,
    "\n  subscription AccountActivity($accountId: ID!) {\n    accountActivity(accountId: $accountId) {\n      ...AuditEntryFields\n    }\n  }\n": types.AccountActivityDocument,
    "\n  query ApiTokens($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      apiTokens {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n        createdBy {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": types.ApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      apiToken {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      apiToken {\n        id\n        status\n        revokedAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RevokeApiTokenDocument,
    "\n  query Environments($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      environments {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n    }\n  }\n": types.EnvironmentsDocument,
    "\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateEnvironmentDocument,
    "\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateEnvironmentDocument,
    "\n  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {\n    deleteEnvironment(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.DeleteEnvironmentDocument,
    "\n  query Members($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      name\n      myRole\n      members {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n    }\n  }\n": types.MembersDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      membership {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.AddMemberDocument,
    "\n  mutation UpdateMemberRole($input: UpdateMemberRoleInput!) {\n    updateMemberRole(input: $input) {\n      membership {\n        id\n        role\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RemoveMemberDocument,
    "\n  query Profile {\n    me {\n      authMethod\n      user {\n        id\n        email\n        name\n        isSystemAdmin\n        createdAt\n        memberships {\n          id\n          role\n          account {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.ProfileDocument,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      user {\n        id\n        name\n        email\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.UpdateProfileDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ok\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.ChangePasswordDocument,
    "\n  query AccountRole($id: ID!) {\n    account(id: $id) {\n      id\n      name\n      myRole\n    }\n  }\n": types.AccountRoleDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Accounts {\n    accounts {\n      id\n      name\n      myRole\n    }\n  }\n"): (typeof documents)["\n  query Accounts {\n    accounts {\n      id\n      name\n      myRole\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAccount($input: UpdateAccountInput!) {\n    updateAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAccount($input: UpdateAccountInput!) {\n    updateAccount(input: $input) {\n      account {\n        id\n        name\n        myRole\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    action\n    actorLabel\n    targetType\n    targetId\n    summary\n    createdAt\n    actor {\n      id\n      name\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment AuditEntryFields on AuditEntry {\n    id\n    action\n    actorLabel\n    targetType\n    targetId\n    summary\n    createdAt\n    actor {\n      id\n      name\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Activity($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      auditLog(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...AuditEntryFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Activity($accountId: ID!, $first: Int!, $after: String) {\n    account(id: $accountId) {\n      id\n      auditLog(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...AuditEntryFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AccountActivity($accountId: ID!) {\n    accountActivity(accountId: $accountId) {\n      ...AuditEntryFields\n    }\n  }\n"): (typeof documents)["\n  subscription AccountActivity($accountId: ID!) {\n    accountActivity(accountId: $accountId) {\n      ...AuditEntryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiTokens($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      apiTokens {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n        createdBy {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiTokens($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      apiTokens {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n        createdBy {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      apiToken {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      apiToken {\n        id\n        name\n        prefix\n        role\n        status\n        createdAt\n        expiresAt\n      }\n      secret\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      apiToken {\n        id\n        status\n        revokedAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      apiToken {\n        id\n        status\n        revokedAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Environments($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      environments {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query Environments($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      myRole\n      environments {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        accountId\n        name\n        description\n        createdAt\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {\n    deleteEnvironment(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {\n    deleteEnvironment(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      name\n      myRole\n      members {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Members($accountId: ID!) {\n    account(id: $accountId) {\n      id\n      name\n      myRole\n      members {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      membership {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      membership {\n        id\n        role\n        createdAt\n        user {\n          id\n          email\n          name\n        }\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMemberRole($input: UpdateMemberRoleInput!) {\n    updateMemberRole(input: $input) {\n      membership {\n        id\n        role\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMemberRole($input: UpdateMemberRoleInput!) {\n    updateMemberRole(input: $input) {\n      membership {\n        id\n        role\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      deletedId\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Profile {\n    me {\n      authMethod\n      user {\n        id\n        email\n        name\n        isSystemAdmin\n        createdAt\n        memberships {\n          id\n          role\n          account {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Profile {\n    me {\n      authMethod\n      user {\n        id\n        email\n        name\n        isSystemAdmin\n        createdAt\n        memberships {\n          id\n          role\n          account {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      user {\n        id\n        name\n        email\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      user {\n        id\n        name\n        email\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ok\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ok\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountRole($id: ID!) {\n    account(id: $id) {\n      id\n      name\n      myRole\n    }\n  }\n"): (typeof documents)["\n  query AccountRole($id: ID!) {\n    account(id: $id) {\n      id\n      name\n      myRole\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;