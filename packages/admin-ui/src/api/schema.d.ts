// Generated from the management API's OpenAPI document by scripts/generate-api.mjs: do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness, with how the gateway enforces access */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Beside "status": "lan_enforcement" ("on" or "off": DECISIONS 37), "wireguard" and "firewall" (the driver kinds in use) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        } & {
                            [key: string]: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in to the console: sets the session cookie and returns the CSRF token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            /**
                             * @description admin: everything; viewer: read only
                             * @enum {unknown}
                             */
                            role: "admin" | "viewer";
                            csrf_token: string;
                            /** @description true: every route but me, me/password and logout answers 403 password_change_required */
                            must_change_password: boolean;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the console session (clears the cookie); a no-op for API tokens */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is calling: the administrator or the API token, with its role */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            /**
                             * @description admin: everything; viewer: read only
                             * @enum {unknown}
                             */
                            role: "admin" | "viewer";
                            /** @description true: every route but me, me/password and logout answers 403 password_change_required */
                            must_change_password: boolean;
                            /** @description the console session's CSRF token (a reloaded page needs it); null for an API token */
                            csrf_token: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Change the signed-in administrator's own password (ends their other console sessions) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        current_password: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agent_backend/wireguard/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether authorization through the client is on */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            enabled: boolean;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        /** Turn authorization through the client on or off (off closes every client with 4004) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            enabled: boolean;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agent_backend/wireguard/setting": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The client-authorization settings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            auth_domain: string | null;
                            local_tunnel: boolean;
                            device_vpn: boolean;
                            trusted_ca_cert: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        /** Replace the client-authorization settings (all four keys) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        auth_domain: string | null;
                        local_tunnel: boolean;
                        device_vpn: boolean;
                        trusted_ca_cert: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            auth_domain: string | null;
                            local_tunnel: boolean;
                            device_vpn: boolean;
                            trusted_ca_cert: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agent_backend/agent-server/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether authorization through the client is on */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            enabled: boolean;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Turn authorization through the client on or off (partial update) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            enabled: boolean;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/agent_backend/agent-server/setting": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The client-authorization settings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            auth_domain: string | null;
                            local_tunnel: boolean;
                            device_vpn: boolean;
                            trusted_ca_cert: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change some client-authorization settings; the result is validated as a whole */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        auth_domain?: string | null;
                        local_tunnel?: boolean;
                        device_vpn?: boolean;
                        trusted_ca_cert?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            auth_domain: string | null;
                            local_tunnel: boolean;
                            device_vpn: boolean;
                            trusted_ca_cert: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List local users
         * @description search: name; sort: name (default), created_at
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                name: string;
                                disabled: boolean;
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                created_at: string;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a local user */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            disabled: boolean;
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{name}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set a user's password (ends their sessions) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a user (ends their sessions and removes them from every group) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Disable or enable a user (disabling ends their sessions) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        disabled?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            disabled: boolean;
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List local groups with their members
         * @description search: name and members; sort: name (default), created_at
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                name: string;
                                /** @description local user names, sorted */
                                members: string[];
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                created_at: string;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a local group */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            /** @description local user names, sorted */
                            members: string[];
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a local group and its memberships (rules naming it stay, and match nobody) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups/{name}/members/{user}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Add a local user to a group (idempotent) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    user: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /** Remove a user from a group */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    user: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vpn-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List VPN-access rules in evaluation order (first match wins; no match denies)
         * @description search: users and groups; sort: position
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                /** @description order of evaluation, ascending */
                                position: number;
                                /**
                                 * @description what a matching rule does
                                 * @enum {unknown}
                                 */
                                action: "allow" | "deny";
                                /** @description local user names; "*" matches every user */
                                users: string[];
                                /** @description local group names */
                                groups: string[];
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                created_at: string;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a VPN-access rule (it names at least one user or group) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description what a matching rule does
                         * @enum {unknown}
                         */
                        action: "allow" | "deny";
                        /** @description local user names in any accepted spelling, or "*" for every user */
                        users?: string[];
                        /** @description local group names; a group may be named before it exists */
                        groups?: string[];
                        /** @description order of evaluation; default: 10 after the last rule */
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description order of evaluation, ascending */
                            position: number;
                            /**
                             * @description what a matching rule does
                             * @enum {unknown}
                             */
                            action: "allow" | "deny";
                            /** @description local user names; "*" matches every user */
                            users: string[];
                            /** @description local group names */
                            groups: string[];
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vpn-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a VPN-access rule */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a VPN-access rule: the fields given change, the others stay */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            /** @description any of the four fields (at least one): what is given replaces what the rule has */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description order of evaluation; rules at one position are evaluated in the order they were made */
                        position?: number;
                        /**
                         * @description what a matching rule does
                         * @enum {unknown}
                         */
                        action?: "allow" | "deny";
                        /** @description local user names in any accepted spelling, or "*" for every user */
                        users?: string[];
                        /** @description local group names; a group may be named before it exists */
                        groups?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description order of evaluation, ascending */
                            position: number;
                            /**
                             * @description what a matching rule does
                             * @enum {unknown}
                             */
                            action: "allow" | "deny";
                            /** @description local user names; "*" matches every user */
                            users: string[];
                            /** @description local group names */
                            groups: string[];
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/exemptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List exemptions from enforcement
         * @description search: network, direction; sort: created_at (default), network, direction
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                /**
                                 * @description from: hosts that forward without a session; to: destinations anyone may reach
                                 * @enum {unknown}
                                 */
                                direction: "from" | "to";
                                /** @description a CIDR; a single host is a /32 or /128 */
                                network: string;
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                created_at: string;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add an exemption (applied within a second) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description from: hosts that forward without a session; to: destinations anyone may reach
                         * @enum {unknown}
                         */
                        direction: "from" | "to";
                        network: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /**
                             * @description from: hosts that forward without a session; to: destinations anyone may reach
                             * @enum {unknown}
                             */
                            direction: "from" | "to";
                            /** @description a CIDR; a single host is a /32 or /128 */
                            network: string;
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exemptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an exemption */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/posture/objects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List posture objects by name
         * @description search: name; sort: name
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                /** @description unique without regard to case */
                                name: string;
                                /** @description all of them must hold */
                                criteria: ({
                                    /** @enum {string} */
                                    check: "os_type";
                                    /**
                                     * @description contains: every item listed is there; does_not_contain: none of them is
                                     * @enum {unknown}
                                     */
                                    operator: "contains" | "does_not_contain";
                                    values: ("Windows" | "Linux" | "MacOS")[];
                                } | {
                                    /** @enum {string} */
                                    check: "os_version";
                                    /**
                                     * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                     * @enum {unknown}
                                     */
                                    operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    check: "domain";
                                    /**
                                     * @description a substring, without regard to case
                                     * @enum {unknown}
                                     */
                                    operator: "contains" | "does_not_contain";
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    check: "kb_list";
                                    /**
                                     * @description contains: every item listed is there; does_not_contain: none of them is
                                     * @enum {unknown}
                                     */
                                    operator: "contains" | "does_not_contain";
                                    /** @description update ids: KB5034441 */
                                    values: string[];
                                } | {
                                    /** @enum {string} */
                                    check: "av_active";
                                } | {
                                    /** @enum {string} */
                                    check: "av_name";
                                    /**
                                     * @description a substring, without regard to case
                                     * @enum {unknown}
                                     */
                                    operator: "contains" | "does_not_contain";
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    check: "av_version";
                                    /**
                                     * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                     * @enum {unknown}
                                     */
                                    operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    check: "av_update";
                                    /** @description the most days allowed */
                                    max_days: number;
                                } | {
                                    /** @enum {string} */
                                    check: "av_scan";
                                    /** @description the most days allowed */
                                    max_days: number;
                                } | {
                                    /** @enum {string} */
                                    check: "fw_active";
                                } | {
                                    /** @enum {string} */
                                    check: "fw_name";
                                    /**
                                     * @description a substring, without regard to case
                                     * @enum {unknown}
                                     */
                                    operator: "contains" | "does_not_contain";
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    check: "fw_version";
                                    /**
                                     * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                     * @enum {unknown}
                                     */
                                    operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    check: "processes";
                                    /**
                                     * @description contains: every item listed is there; does_not_contain: none of them is
                                     * @enum {unknown}
                                     */
                                    operator: "contains" | "does_not_contain";
                                    /** @description process names, compared on their first 15 characters */
                                    values: string[];
                                } | {
                                    /** @enum {string} */
                                    check: "services";
                                    /**
                                     * @description contains: every item listed is there; does_not_contain: none of them is
                                     * @enum {unknown}
                                     */
                                    operator: "contains" | "does_not_contain";
                                    /** @description service names */
                                    values: string[];
                                } | {
                                    /** @enum {string} */
                                    check: "registry";
                                    /**
                                     * @description contains: every item listed is there; does_not_contain: none of them is
                                     * @enum {unknown}
                                     */
                                    operator: "contains" | "does_not_contain";
                                    keys: {
                                        /** @description HKLM\SOFTWARE\...\ValueName: the hive first */
                                        key: string;
                                        /** @description none: the key being there is the test */
                                        value?: {
                                            /** @enum {unknown} */
                                            operator: "equals" | "contains";
                                            text: string;
                                        };
                                    }[];
                                })[];
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a posture object: a named set of criteria, true when all of them hold */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description PUT only, and then the path's id */
                        id?: string;
                        /** @description unique without regard to case */
                        name: string;
                        /** @description all of them must hold */
                        criteria: ({
                            /** @enum {string} */
                            check: "os_type";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            values: ("Windows" | "Linux" | "MacOS")[];
                        } | {
                            /** @enum {string} */
                            check: "os_version";
                            /**
                             * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                             * @enum {unknown}
                             */
                            operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "domain";
                            /**
                             * @description a substring, without regard to case
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "kb_list";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            /** @description update ids: KB5034441 */
                            values: string[];
                        } | {
                            /** @enum {string} */
                            check: "av_active";
                        } | {
                            /** @enum {string} */
                            check: "av_name";
                            /**
                             * @description a substring, without regard to case
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "av_version";
                            /**
                             * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                             * @enum {unknown}
                             */
                            operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "av_update";
                            /** @description the most days allowed */
                            max_days: number;
                        } | {
                            /** @enum {string} */
                            check: "av_scan";
                            /** @description the most days allowed */
                            max_days: number;
                        } | {
                            /** @enum {string} */
                            check: "fw_active";
                        } | {
                            /** @enum {string} */
                            check: "fw_name";
                            /**
                             * @description a substring, without regard to case
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "fw_version";
                            /**
                             * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                             * @enum {unknown}
                             */
                            operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "processes";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            /** @description process names, compared on their first 15 characters */
                            values: string[];
                        } | {
                            /** @enum {string} */
                            check: "services";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            /** @description service names */
                            values: string[];
                        } | {
                            /** @enum {string} */
                            check: "registry";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            keys: {
                                /** @description HKLM\SOFTWARE\...\ValueName: the hive first */
                                key: string;
                                /** @description none: the key being there is the test */
                                value?: {
                                    /** @enum {unknown} */
                                    operator: "equals" | "contains";
                                    text: string;
                                };
                            }[];
                        })[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description unique without regard to case */
                            name: string;
                            /** @description all of them must hold */
                            criteria: ({
                                /** @enum {string} */
                                check: "os_type";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                values: ("Windows" | "Linux" | "MacOS")[];
                            } | {
                                /** @enum {string} */
                                check: "os_version";
                                /**
                                 * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                 * @enum {unknown}
                                 */
                                operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "domain";
                                /**
                                 * @description a substring, without regard to case
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "kb_list";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                /** @description update ids: KB5034441 */
                                values: string[];
                            } | {
                                /** @enum {string} */
                                check: "av_active";
                            } | {
                                /** @enum {string} */
                                check: "av_name";
                                /**
                                 * @description a substring, without regard to case
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "av_version";
                                /**
                                 * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                 * @enum {unknown}
                                 */
                                operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "av_update";
                                /** @description the most days allowed */
                                max_days: number;
                            } | {
                                /** @enum {string} */
                                check: "av_scan";
                                /** @description the most days allowed */
                                max_days: number;
                            } | {
                                /** @enum {string} */
                                check: "fw_active";
                            } | {
                                /** @enum {string} */
                                check: "fw_name";
                                /**
                                 * @description a substring, without regard to case
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "fw_version";
                                /**
                                 * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                 * @enum {unknown}
                                 */
                                operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "processes";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                /** @description process names, compared on their first 15 characters */
                                values: string[];
                            } | {
                                /** @enum {string} */
                                check: "services";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                /** @description service names */
                                values: string[];
                            } | {
                                /** @enum {string} */
                                check: "registry";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                keys: {
                                    /** @description HKLM\SOFTWARE\...\ValueName: the hive first */
                                    key: string;
                                    /** @description none: the key being there is the test */
                                    value?: {
                                        /** @enum {unknown} */
                                        operator: "equals" | "contains";
                                        text: string;
                                    };
                                }[];
                            })[];
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/posture/objects/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One posture object */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description unique without regard to case */
                            name: string;
                            /** @description all of them must hold */
                            criteria: ({
                                /** @enum {string} */
                                check: "os_type";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                values: ("Windows" | "Linux" | "MacOS")[];
                            } | {
                                /** @enum {string} */
                                check: "os_version";
                                /**
                                 * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                 * @enum {unknown}
                                 */
                                operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "domain";
                                /**
                                 * @description a substring, without regard to case
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "kb_list";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                /** @description update ids: KB5034441 */
                                values: string[];
                            } | {
                                /** @enum {string} */
                                check: "av_active";
                            } | {
                                /** @enum {string} */
                                check: "av_name";
                                /**
                                 * @description a substring, without regard to case
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "av_version";
                                /**
                                 * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                 * @enum {unknown}
                                 */
                                operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "av_update";
                                /** @description the most days allowed */
                                max_days: number;
                            } | {
                                /** @enum {string} */
                                check: "av_scan";
                                /** @description the most days allowed */
                                max_days: number;
                            } | {
                                /** @enum {string} */
                                check: "fw_active";
                            } | {
                                /** @enum {string} */
                                check: "fw_name";
                                /**
                                 * @description a substring, without regard to case
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "fw_version";
                                /**
                                 * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                 * @enum {unknown}
                                 */
                                operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "processes";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                /** @description process names, compared on their first 15 characters */
                                values: string[];
                            } | {
                                /** @enum {string} */
                                check: "services";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                /** @description service names */
                                values: string[];
                            } | {
                                /** @enum {string} */
                                check: "registry";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                keys: {
                                    /** @description HKLM\SOFTWARE\...\ValueName: the hive first */
                                    key: string;
                                    /** @description none: the key being there is the test */
                                    value?: {
                                        /** @enum {unknown} */
                                        operator: "equals" | "contains";
                                        text: string;
                                    };
                                }[];
                            })[];
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        /** Replace a posture object (what a GET gave may be sent back changed) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description PUT only, and then the path's id */
                        id?: string;
                        /** @description unique without regard to case */
                        name: string;
                        /** @description all of them must hold */
                        criteria: ({
                            /** @enum {string} */
                            check: "os_type";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            values: ("Windows" | "Linux" | "MacOS")[];
                        } | {
                            /** @enum {string} */
                            check: "os_version";
                            /**
                             * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                             * @enum {unknown}
                             */
                            operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "domain";
                            /**
                             * @description a substring, without regard to case
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "kb_list";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            /** @description update ids: KB5034441 */
                            values: string[];
                        } | {
                            /** @enum {string} */
                            check: "av_active";
                        } | {
                            /** @enum {string} */
                            check: "av_name";
                            /**
                             * @description a substring, without regard to case
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "av_version";
                            /**
                             * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                             * @enum {unknown}
                             */
                            operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "av_update";
                            /** @description the most days allowed */
                            max_days: number;
                        } | {
                            /** @enum {string} */
                            check: "av_scan";
                            /** @description the most days allowed */
                            max_days: number;
                        } | {
                            /** @enum {string} */
                            check: "fw_active";
                        } | {
                            /** @enum {string} */
                            check: "fw_name";
                            /**
                             * @description a substring, without regard to case
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "fw_version";
                            /**
                             * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                             * @enum {unknown}
                             */
                            operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                            value: string;
                        } | {
                            /** @enum {string} */
                            check: "processes";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            /** @description process names, compared on their first 15 characters */
                            values: string[];
                        } | {
                            /** @enum {string} */
                            check: "services";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            /** @description service names */
                            values: string[];
                        } | {
                            /** @enum {string} */
                            check: "registry";
                            /**
                             * @description contains: every item listed is there; does_not_contain: none of them is
                             * @enum {unknown}
                             */
                            operator: "contains" | "does_not_contain";
                            keys: {
                                /** @description HKLM\SOFTWARE\...\ValueName: the hive first */
                                key: string;
                                /** @description none: the key being there is the test */
                                value?: {
                                    /** @enum {unknown} */
                                    operator: "equals" | "contains";
                                    text: string;
                                };
                            }[];
                        })[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description unique without regard to case */
                            name: string;
                            /** @description all of them must hold */
                            criteria: ({
                                /** @enum {string} */
                                check: "os_type";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                values: ("Windows" | "Linux" | "MacOS")[];
                            } | {
                                /** @enum {string} */
                                check: "os_version";
                                /**
                                 * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                 * @enum {unknown}
                                 */
                                operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "domain";
                                /**
                                 * @description a substring, without regard to case
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "kb_list";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                /** @description update ids: KB5034441 */
                                values: string[];
                            } | {
                                /** @enum {string} */
                                check: "av_active";
                            } | {
                                /** @enum {string} */
                                check: "av_name";
                                /**
                                 * @description a substring, without regard to case
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "av_version";
                                /**
                                 * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                 * @enum {unknown}
                                 */
                                operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "av_update";
                                /** @description the most days allowed */
                                max_days: number;
                            } | {
                                /** @enum {string} */
                                check: "av_scan";
                                /** @description the most days allowed */
                                max_days: number;
                            } | {
                                /** @enum {string} */
                                check: "fw_active";
                            } | {
                                /** @enum {string} */
                                check: "fw_name";
                                /**
                                 * @description a substring, without regard to case
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "fw_version";
                                /**
                                 * @description >=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text
                                 * @enum {unknown}
                                 */
                                operator: ">=" | "<=" | "=" | "contains" | "does_not_contain";
                                value: string;
                            } | {
                                /** @enum {string} */
                                check: "processes";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                /** @description process names, compared on their first 15 characters */
                                values: string[];
                            } | {
                                /** @enum {string} */
                                check: "services";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                /** @description service names */
                                values: string[];
                            } | {
                                /** @enum {string} */
                                check: "registry";
                                /**
                                 * @description contains: every item listed is there; does_not_contain: none of them is
                                 * @enum {unknown}
                                 */
                                operator: "contains" | "does_not_contain";
                                keys: {
                                    /** @description HKLM\SOFTWARE\...\ValueName: the hive first */
                                    key: string;
                                    /** @description none: the key being there is the test */
                                    value?: {
                                        /** @enum {unknown} */
                                        operator: "equals" | "contains";
                                        text: string;
                                    };
                                }[];
                            })[];
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /** Remove a posture object (409 while a profile uses it) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/posture/profiles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List posture profiles by name
         * @description search: name; sort: name
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                /** @description unique without regard to case; "device without profile" is the gateway's own */
                                name: string;
                                /** @description objects combined with and/or; never other profiles */
                                expression: {
                                    /** @description a posture object's id */
                                    object: string;
                                } | {
                                    /** @enum {unknown} */
                                    op: "and" | "or";
                                    /** @description expressions, at most 8 deep and 256 terms in all */
                                    of: ({
                                        /** @description a posture object's id */
                                        object: string;
                                    } | Record<string, never>)[];
                                };
                                /** @description the expression as a person writes it, objects by name: Antivirus and (Firewall or "OS updates") */
                                expression_text: string;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a posture profile: posture objects combined with and/or */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description PUT only, and then the path's id */
                        id?: string;
                        /** @description unique without regard to case; "device without profile" is the gateway's own */
                        name: string;
                        expression: ({
                            /** @description a posture object's id */
                            object: string;
                        } | {
                            /** @enum {unknown} */
                            op: "and" | "or";
                            /** @description expressions, at most 8 deep and 256 terms in all */
                            of: ({
                                /** @description a posture object's id */
                                object: string;
                            } | Record<string, never>)[];
                        }) | string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description unique without regard to case; "device without profile" is the gateway's own */
                            name: string;
                            /** @description objects combined with and/or; never other profiles */
                            expression: {
                                /** @description a posture object's id */
                                object: string;
                            } | {
                                /** @enum {unknown} */
                                op: "and" | "or";
                                /** @description expressions, at most 8 deep and 256 terms in all */
                                of: ({
                                    /** @description a posture object's id */
                                    object: string;
                                } | Record<string, never>)[];
                            };
                            /** @description the expression as a person writes it, objects by name: Antivirus and (Firewall or "OS updates") */
                            expression_text: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/posture/profiles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One posture profile */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description unique without regard to case; "device without profile" is the gateway's own */
                            name: string;
                            /** @description objects combined with and/or; never other profiles */
                            expression: {
                                /** @description a posture object's id */
                                object: string;
                            } | {
                                /** @enum {unknown} */
                                op: "and" | "or";
                                /** @description expressions, at most 8 deep and 256 terms in all */
                                of: ({
                                    /** @description a posture object's id */
                                    object: string;
                                } | Record<string, never>)[];
                            };
                            /** @description the expression as a person writes it, objects by name: Antivirus and (Firewall or "OS updates") */
                            expression_text: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        /** Replace a posture profile */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description PUT only, and then the path's id */
                        id?: string;
                        /** @description unique without regard to case; "device without profile" is the gateway's own */
                        name: string;
                        expression: ({
                            /** @description a posture object's id */
                            object: string;
                        } | {
                            /** @enum {unknown} */
                            op: "and" | "or";
                            /** @description expressions, at most 8 deep and 256 terms in all */
                            of: ({
                                /** @description a posture object's id */
                                object: string;
                            } | Record<string, never>)[];
                        }) | string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description unique without regard to case; "device without profile" is the gateway's own */
                            name: string;
                            /** @description objects combined with and/or; never other profiles */
                            expression: {
                                /** @description a posture object's id */
                                object: string;
                            } | {
                                /** @enum {unknown} */
                                op: "and" | "or";
                                /** @description expressions, at most 8 deep and 256 terms in all */
                                of: ({
                                    /** @description a posture object's id */
                                    object: string;
                                } | Record<string, never>)[];
                            };
                            /** @description the expression as a person writes it, objects by name: Antivirus and (Firewall or "OS updates") */
                            expression_text: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /** Remove a posture profile */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/posture/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How the gateway runs the posture exchange */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description minutes between the client's collections (the ztna request's period); 0: once; default 60 */
                            period: number;
                            /** @description minutes between re-checks of every session's last report; default 15 */
                            recheck_minutes: number;
                            /** @description periods without a report after which the gateway asks for a full report again; default 3 */
                            silent_periods: number;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        /** Change the posture settings (those left out stay); replies with the settings in force */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description the settings to change; those left out stay */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description minutes between the client's collections (the ztna request's period); 0: once; default 60 */
                        period?: number;
                        /** @description minutes between re-checks of every session's last report; default 15 */
                        recheck_minutes?: number;
                        /** @description periods without a report after which the gateway asks for a full report again; default 3 */
                        silent_periods?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description minutes between the client's collections (the ztna request's period); 0: once; default 60 */
                            period: number;
                            /** @description minutes between re-checks of every session's last report; default 15 */
                            recheck_minutes: number;
                            /** @description periods without a report after which the gateway asks for a full report again; default 3 */
                            silent_periods: number;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/access-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List access rules by posture profile in evaluation order (first match wins)
         * @description search: profile names and destinations; sort: position
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                /** @description order of evaluation, ascending; rules at one position in the order they were made. Default: 10 after the last rule */
                                position: number;
                                /**
                                 * @description what a matching rule does to the packet; default allow
                                 * @enum {unknown}
                                 */
                                action: "allow" | "deny";
                                /** @description posture profile ids, or "device without profile" for the devices that match no profile; a session with any of them is matched */
                                profiles: string[];
                                /** @description the profiles' current names, in the order of "profiles" ("device without profile" for the reserved key); read-only */
                                profile_names: string[];
                                /** @description destination networks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"; an address alone is /32 or /128; host bits must be zero); read back normalized */
                                to: string[];
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                created_at: string;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add an access rule: which destinations the sessions of which posture profiles reach */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description order of evaluation, ascending; rules at one position in the order they were made. Default: 10 after the last rule */
                        position?: number;
                        /**
                         * @description what a matching rule does to the packet; default allow
                         * @enum {unknown}
                         */
                        action?: "allow" | "deny";
                        /** @description posture profile ids, or "device without profile" for the devices that match no profile; a session with any of them is matched */
                        profiles: string[];
                        /** @description destination networks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"; an address alone is /32 or /128; host bits must be zero); read back normalized */
                        to: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description order of evaluation, ascending; rules at one position in the order they were made. Default: 10 after the last rule */
                            position: number;
                            /**
                             * @description what a matching rule does to the packet; default allow
                             * @enum {unknown}
                             */
                            action: "allow" | "deny";
                            /** @description posture profile ids, or "device without profile" for the devices that match no profile; a session with any of them is matched */
                            profiles: string[];
                            /** @description the profiles' current names, in the order of "profiles" ("device without profile" for the reserved key); read-only */
                            profile_names: string[];
                            /** @description destination networks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"; an address alone is /32 or /128; host bits must be zero); read back normalized */
                            to: string[];
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/access-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One access rule */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description order of evaluation, ascending; rules at one position in the order they were made. Default: 10 after the last rule */
                            position: number;
                            /**
                             * @description what a matching rule does to the packet; default allow
                             * @enum {unknown}
                             */
                            action: "allow" | "deny";
                            /** @description posture profile ids, or "device without profile" for the devices that match no profile; a session with any of them is matched */
                            profiles: string[];
                            /** @description the profiles' current names, in the order of "profiles" ("device without profile" for the reserved key); read-only */
                            profile_names: string[];
                            /** @description destination networks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"; an address alone is /32 or /128; host bits must be zero); read back normalized */
                            to: string[];
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        /** Replace an access rule (action default allow; position left out: kept) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            /** @description what a GET gave may be sent back changed */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description the path's id, as a GET gave it */
                        id?: string;
                        /** @description order of evaluation; left out: the rule keeps its position */
                        position?: number;
                        /**
                         * @description what a matching rule does to the packet; default allow
                         * @enum {unknown}
                         */
                        action?: "allow" | "deny";
                        /** @description posture profile ids, or "device without profile" for the devices that match no profile; a session with any of them is matched */
                        profiles: string[];
                        /** @description read-only: ignored */
                        profile_names?: string[];
                        /** @description destination networks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"; an address alone is /32 or /128; host bits must be zero); read back normalized */
                        to: string[];
                        /** @description read-only: ignored */
                        created_at?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description order of evaluation, ascending; rules at one position in the order they were made. Default: 10 after the last rule */
                            position: number;
                            /**
                             * @description what a matching rule does to the packet; default allow
                             * @enum {unknown}
                             */
                            action: "allow" | "deny";
                            /** @description posture profile ids, or "device without profile" for the devices that match no profile; a session with any of them is matched */
                            profiles: string[];
                            /** @description the profiles' current names, in the order of "profiles" ("device without profile" for the reserved key); read-only */
                            profile_names: string[];
                            /** @description destination networks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"; an address alone is /32 or /128; host bits must be zero); read back normalized */
                            to: string[];
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /** Remove an access rule */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change some of an access rule: position, action, profiles, to */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            /** @description the fields to change; those left out stay */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description order of evaluation, ascending; rules at one position in the order they were made. Default: 10 after the last rule */
                        position?: number;
                        /**
                         * @description what a matching rule does to the packet; default allow
                         * @enum {unknown}
                         */
                        action?: "allow" | "deny";
                        /** @description posture profile ids, or "device without profile" for the devices that match no profile; a session with any of them is matched */
                        profiles?: string[];
                        /** @description destination networks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"; an address alone is /32 or /128; host bits must be zero); read back normalized */
                        to?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description order of evaluation, ascending; rules at one position in the order they were made. Default: 10 after the last rule */
                            position: number;
                            /**
                             * @description what a matching rule does to the packet; default allow
                             * @enum {unknown}
                             */
                            action: "allow" | "deny";
                            /** @description posture profile ids, or "device without profile" for the devices that match no profile; a session with any of them is matched */
                            profiles: string[];
                            /** @description the profiles' current names, in the order of "profiles" ("device without profile" for the reserved key); read-only */
                            profile_names: string[];
                            /** @description destination networks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"; an address alone is /32 or /128; host bits must be zero); read back normalized */
                            to: string[];
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/directory/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Directory users whose name holds `search`, asked of the directory now (at most `limit`) */
        get: {
            parameters: {
                query?: {
                    /** @description a part of a name; none: all */
                    search?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @description alice@CORP.EXAMPLE, as sessions and rules name the user */
                                account: string;
                                /** @description the sAMAccountName */
                                name: string;
                                display_name: string | null;
                                /** @description why the account may not log in (disabled, locked, expired), or null */
                                restriction: string | null;
                            }[];
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directory": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The directory users log in against (null: none) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description ldaps://dc1.corp.example, or ldap://... with StartTLS */
                            url: string;
                            /** @description the NetBIOS domain: CORP */
                            domain: string;
                            /** @description the Kerberos realm: CORP.EXAMPLE */
                            realm: string;
                            /** @description where users and groups are searched */
                            base_dn: string;
                            /** @description the account the gateway searches with */
                            bind_dn: string;
                            /** @description PEM of the CA of the directory's TLS certificate; null: the system's CAs */
                            ca_cert: string | null;
                            /** @description members (nested too) administer the gateway with their domain password: CORP\kordon-admins */
                            admin_group: string | null;
                            /** @description members may read the management API */
                            viewer_group: string | null;
                            /** @description NTLM single sign-on through winbind (the gateway host is joined to the domain) */
                            ntlm: boolean;
                            bind_password_set: boolean;
                            /** @description the keytab's principals, key versions and key types (never the keys); null: no keytab */
                            keytab_keys: string[] | null;
                            /** @description why Kerberos single sign-on cannot be offered now; null: it can */
                            kerberos_problem: string | null;
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            updated_at: string;
                        } | null;
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        /** Connect the gateway to a directory (used from the next login) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description ldaps://dc1.corp.example, or ldap://... with StartTLS */
                        url: string;
                        /** @description the NetBIOS domain: CORP */
                        domain: string;
                        /** @description the Kerberos realm: CORP.EXAMPLE */
                        realm: string;
                        /** @description where users and groups are searched */
                        base_dn: string;
                        /** @description the account the gateway searches with */
                        bind_dn: string;
                        /** @description PEM of the CA of the directory's TLS certificate; null: the system's CAs */
                        ca_cert: string | null;
                        /** @description members (nested too) administer the gateway with their domain password: CORP\kordon-admins */
                        admin_group: string | null;
                        /** @description members may read the management API */
                        viewer_group: string | null;
                        /** @description absent: keep the one set (needed when no directory is set yet) */
                        bind_password?: string;
                        /** @description the keytab with the key of HTTP/<auth_domain>, base64 (Kerberos single sign-on); absent: keep the one set, null: remove it */
                        keytab?: string | null;
                        /** @description NTLM single sign-on through winbind; absent: keep as set */
                        ntlm?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description ldaps://dc1.corp.example, or ldap://... with StartTLS */
                            url: string;
                            /** @description the NetBIOS domain: CORP */
                            domain: string;
                            /** @description the Kerberos realm: CORP.EXAMPLE */
                            realm: string;
                            /** @description where users and groups are searched */
                            base_dn: string;
                            /** @description the account the gateway searches with */
                            bind_dn: string;
                            /** @description PEM of the CA of the directory's TLS certificate; null: the system's CAs */
                            ca_cert: string | null;
                            /** @description members (nested too) administer the gateway with their domain password: CORP\kordon-admins */
                            admin_group: string | null;
                            /** @description members may read the management API */
                            viewer_group: string | null;
                            /** @description NTLM single sign-on through winbind (the gateway host is joined to the domain) */
                            ntlm: boolean;
                            bind_password_set: boolean;
                            /** @description the keytab's principals, key versions and key types (never the keys); null: no keytab */
                            keytab_keys: string[] | null;
                            /** @description why Kerberos single sign-on cannot be offered now; null: it can */
                            kerberos_problem: string | null;
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            updated_at: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /** Disconnect the directory (its accounts' sessions end) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List live sessions (pending tunnel sessions are left out)
         * @description search: account, source address, tunnel address, device; sort: since (default), account, source_address, tunnel_ipv4, method, node, rx_bytes, tx_bytes
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                    /** @description true: only sessions with a tunnel */
                    vpn_only?: "true" | "false";
                    /** @description true: only sessions from the local networks; false: only the others */
                    local?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                account: string;
                                source_address: string;
                                /** @description an address without prefix length */
                                tunnel_ipv4: string | null;
                                /** @description whether the session has a tunnel */
                                vpn: boolean;
                                /** @description whether its source address lies in the local networks (--local-networks) */
                                local: boolean;
                                /** @description the WireGuard public key of a tunnel session, else the source address */
                                device: string;
                                /**
                                 * @description how the account logged in
                                 * @enum {unknown}
                                 */
                                method: "password" | "kerberos" | "ntlm" | "device";
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                since: string;
                                node: string;
                                /** @description the worker process that holds its connection; null while it waits for its client to resume */
                                worker: string | null;
                                posture: {
                                    /** @description the matching posture profiles, or ["device without profile"] */
                                    profiles: string[];
                                    /** @description whether the access rules limit what the session reaches */
                                    limited: boolean;
                                    /** @description what the client is told (posture_state, DECISIONS 76) */
                                    message: string;
                                    /** @description each criterion of the objects in use */
                                    checks: {
                                        object: string;
                                        criterion: string;
                                        passed: boolean;
                                        /** @description the result in words */
                                        why: string;
                                    }[];
                                    /**
                                     * Format: date-time
                                     * @description ISO 8601, UTC
                                     */
                                    checked_at: string;
                                    /** @description when the last report came; null when the device did not answer */
                                    reported_at: string | null;
                                    /** @description how many times the profiles changed since the login */
                                    changes: number;
                                } | null;
                                /** @description bytes the gateway received from the client through its tunnel (WireGuard's counter); null without a tunnel on this node */
                                rx_bytes: number | null;
                                /** @description bytes the gateway sent the client through its tunnel; null without a tunnel on this node */
                                tx_bytes: number | null;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sessions/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live session changes as server-sent events
         * @description text/event-stream: "added" and "changed" carry a session item (as GET /api/v1/sessions lists it; byte counters alone do not make a change), "ended" carries {"id"}; "signed_out" comes before the stream ends because the console session ended. Checked about once a second.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the event stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": string;
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** End a session (its client is closed with 4002) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API tokens (never their secrets)
         * @description search: name; sort: name (default), role, created_at
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                name: string;
                                /**
                                 * @description admin: everything; viewer: read only
                                 * @enum {unknown}
                                 */
                                role: "admin" | "viewer";
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                created_at: string;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an API token; the reply is the only time its secret is shown */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /**
                         * @description admin: everything; viewer: read only
                         * @enum {unknown}
                         */
                        role?: "admin" | "viewer";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            /**
                             * @description admin: everything; viewer: read only
                             * @enum {unknown}
                             */
                            role: "admin" | "viewer";
                            /** @description the secret: shown only in this reply */
                            token: string;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List administrators
         * @description search: name; sort: name (default), role, created_at
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                name: string;
                                /**
                                 * @description admin: everything; viewer: read only
                                 * @enum {unknown}
                                 */
                                role: "admin" | "viewer";
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                created_at: string;
                                /** @description whether they must choose a new password at the next sign-in */
                                must_change_password: boolean;
                                /**
                                 * @description local: signs in with the password set here; directory: a member of the directory's admin or viewer group (DECISIONS 14), its password and role are the directory's
                                 * @enum {unknown}
                                 */
                                source: "local" | "directory";
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an administrator */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        password: string;
                        /**
                         * @description admin: everything; viewer: read only
                         * @enum {unknown}
                         */
                        role?: "admin" | "viewer";
                        /** @description whether they must choose a new password at the next sign-in */
                        must_change_password?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            /**
                             * @description admin: everything; viewer: read only
                             * @enum {unknown}
                             */
                            role: "admin" | "viewer";
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            created_at: string;
                            /** @description whether they must choose a new password at the next sign-in */
                            must_change_password: boolean;
                            /**
                             * @description local: signs in with the password set here; directory: a member of the directory's admin or viewer group (DECISIONS 14), its password and role are the directory's
                             * @enum {unknown}
                             */
                            source: "local" | "directory";
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admins/{name}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set an administrator's password (ends that administrator's console sessions) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password: string;
                        /** @description whether they must choose a new password at the next sign-in */
                        must_change_password?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admins/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an administrator (the last one with the admin role cannot be removed) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The event log, newest first
         * @description search: detail, account, source address; sort: -at (default, newest first) or at; filters: kind (comma-separated), account (exact), since (inclusive) and until (exclusive)
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                    /** @description comma-separated: login, login_failed, session_ended, session_posture, settings_changed, user_changed, group_changed, vpn_rule_changed, exemption_changed, token_changed, admin_changed, admin_login_failed, installer_changed, directory_changed, posture_changed, access_rule_changed */
                    kind?: string;
                    account?: string;
                    /** @description ISO 8601 */
                    since?: string;
                    /** @description ISO 8601 */
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                at: string;
                                /** @enum {unknown} */
                                kind: "login" | "login_failed" | "session_ended" | "session_posture" | "settings_changed" | "user_changed" | "group_changed" | "vpn_rule_changed" | "exemption_changed" | "token_changed" | "admin_changed" | "admin_login_failed" | "installer_changed" | "directory_changed" | "posture_changed" | "access_rule_changed";
                                account: string | null;
                                source_address: string | null;
                                detail: string;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/installers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List registered client installers, one per OS
         * @description search: os, version, file_name; sort: os (default), version
         */
        get: {
            parameters: {
                query?: {
                    /** @description a case-insensitive substring of the fields the list names */
                    search?: string;
                    /** @description a field, or -field for descending */
                    sort?: string;
                    /** @description 1 to 1000, default 100 */
                    limit?: string;
                    /** @description the next_cursor of the previous page (same search and sort) */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @enum {unknown} */
                                os: "windows" | "macos" | "linux";
                                /** @description major.minor.build */
                                version: string;
                                file_name: string;
                                size: number;
                                sha256: string;
                                /** @enum {unknown} */
                                policy: "exact" | "minimum";
                                /**
                                 * Format: date-time
                                 * @description ISO 8601, UTC
                                 */
                                added_at: string;
                                /** @description what clients are told to download (DECISIONS 48): ":<client port>/<file_name>" */
                                download_url: string | null;
                            }[];
                            /** @description how many items match the search and filters, on every page */
                            total: number;
                            /** @description pass as ?cursor= for the next page; null on the last page */
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/installers/{os}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upload an OS's installer (raw bytes, application/octet-stream); replaces the previous one */
        put: {
            parameters: {
                query: {
                    /** @description major.minor.build, e.g. 1.2.3 */
                    version: string;
                    /** @description the name it is served as, at :<port>/<file_name> */
                    file_name: string;
                    /** @description exact (default): clients of another version update; minimum: only older ones */
                    policy?: "exact" | "minimum";
                };
                header?: never;
                path: {
                    os: "windows" | "macos" | "linux";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {unknown} */
                            os: "windows" | "macos" | "linux";
                            /** @description major.minor.build */
                            version: string;
                            file_name: string;
                            size: number;
                            sha256: string;
                            /** @enum {unknown} */
                            policy: "exact" | "minimum";
                            /**
                             * Format: date-time
                             * @description ISO 8601, UTC
                             */
                            added_at: string;
                            /** @description what clients are told to download (DECISIONS 48): ":<client port>/<file_name>" */
                            download_url: string | null;
                        };
                    };
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /** Remove an OS's installer and its file */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    os: "windows" | "macos" | "linux";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An error: a stable code, a message for a person, and the JSON Pointer of the field at fault. */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                field: string | null;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (API token only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
