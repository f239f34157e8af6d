/**
 * The twitter-api-v2 client, pointed at X or at another origin (a proxy, or the local fake in tests).
 * The library has no base-URL setting: every URL starts with https://api.x.com, so a plugin rewrites
 * it before each request. That covers REST calls, paginators, streams and stream reconnects alike.
 */
import http from 'node:http';
import { TwitterApi, type ITwitterApiClientPlugin, type TTweetv2Expansion, type TTweetv2TweetField, type TTweetv2UserField } from 'twitter-api-v2';

const X_ORIGIN = 'https://api.x.com';

export function baseUrlPlugin(origin: string): ITwitterApiClientPlugin {
  const target = origin.replace(/\/+$/, '');
  const rewrite = (params: { url: string }) => {
    if (params.url.startsWith(X_ORIGIN)) params.url = target + params.url.slice(X_ORIGIN.length);
  };
  return {
    onBeforeRequestConfig: ({ params }) => rewrite(params),
    onBeforeStreamRequestConfig: ({ params }) => rewrite(params),
  };
}

/** A client for a bearer token; `apiBase` replaces https://api.x.com (plain http needs its own agent). */
export function makeXClient(bearerToken: string, apiBase?: string): TwitterApi {
  if (!apiBase) return new TwitterApi(bearerToken);
  const httpAgent = apiBase.startsWith('http:') ? new http.Agent({ keepAlive: true }) : undefined;
  return new TwitterApi(bearerToken, { plugins: [baseUrlPlugin(apiBase)], httpAgent });
}

/** The fields every X read asks for: enough to normalise a post without a second request. */
export const X_POST_FIELDS: { expansions: TTweetv2Expansion[]; 'tweet.fields': TTweetv2TweetField[]; 'user.fields': TTweetv2UserField[] } = {
  expansions: ['author_id'],
  'tweet.fields': ['created_at', 'author_id', 'lang', 'public_metrics', 'referenced_tweets', 'conversation_id', 'in_reply_to_user_id'],
  'user.fields': ['username', 'name', 'public_metrics'],
};
