import { graphql } from '@/gql';

/** What every mutation payload's `errors: [UserError!]!` is asked for (see UserErrorLike). */
export const UserErrorFields = graphql(`
  fragment UserErrorFields on UserError {
    code
    field
    message
  }
`);
