export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      audit_log: {
        Row: {
          actor_id: string | null
          actor_role: string | null
          created_at: string
          id: number
          new_data: Json | null
          old_data: Json | null
          op: string
          redacted_at: string | null
          row_id: string | null
          table_name: string
          tenant_id: string | null
        }
        Insert: {
          actor_id?: string | null
          actor_role?: string | null
          created_at?: string
          id?: never
          new_data?: Json | null
          old_data?: Json | null
          op: string
          redacted_at?: string | null
          row_id?: string | null
          table_name: string
          tenant_id?: string | null
        }
        Update: {
          actor_id?: string | null
          actor_role?: string | null
          created_at?: string
          id?: never
          new_data?: Json | null
          old_data?: Json | null
          op?: string
          redacted_at?: string | null
          row_id?: string | null
          table_name?: string
          tenant_id?: string | null
        }
        Relationships: []
      }
      candidate_profiles: {
        Row: {
          birth_year: number | null
          candidate_id: string
          countries: string[] | null
          created_at: string
          education: Json | null
          enrichment_error: string | null
          enrichment_status: string | null
          experience: Json | null
          facebook_url: string | null
          facebook_username: string | null
          first_name: string | null
          gender: string | null
          github_url: string | null
          github_username: string | null
          id: string
          industry: string | null
          interests: string[] | null
          job_company_industry: string | null
          job_company_name: string | null
          job_company_size: string | null
          job_last_updated: string | null
          job_start_date: string | null
          job_title: string | null
          job_title_levels: string[] | null
          last_enriched_at: string | null
          last_name: string | null
          linkedin_id: string | null
          linkedin_url: string | null
          linkedin_username: string | null
          location_continent: string | null
          location_country: string | null
          location_geo: string | null
          location_locality: string | null
          location_name: string | null
          location_postal_code: string | null
          location_region: string | null
          location_street_address: string | null
          metadata: NonNullable<Json>
          middle_name: string | null
          pdl_id: string | null
          pdl_likelihood: number | null
          skills: string[] | null
          tenant_id: string
          twitter_url: string | null
          twitter_username: string | null
          updated_at: string
        }
        Insert: {
          birth_year?: number | null
          candidate_id: string
          countries?: string[] | null
          created_at?: string
          education?: Json | null
          enrichment_error?: string | null
          enrichment_status?: string | null
          experience?: Json | null
          facebook_url?: string | null
          facebook_username?: string | null
          first_name?: string | null
          gender?: string | null
          github_url?: string | null
          github_username?: string | null
          id?: string
          industry?: string | null
          interests?: string[] | null
          job_company_industry?: string | null
          job_company_name?: string | null
          job_company_size?: string | null
          job_last_updated?: string | null
          job_start_date?: string | null
          job_title?: string | null
          job_title_levels?: string[] | null
          last_enriched_at?: string | null
          last_name?: string | null
          linkedin_id?: string | null
          linkedin_url?: string | null
          linkedin_username?: string | null
          location_continent?: string | null
          location_country?: string | null
          location_geo?: string | null
          location_locality?: string | null
          location_name?: string | null
          location_postal_code?: string | null
          location_region?: string | null
          location_street_address?: string | null
          metadata?: NonNullable<Json>
          middle_name?: string | null
          pdl_id?: string | null
          pdl_likelihood?: number | null
          skills?: string[] | null
          tenant_id: string
          twitter_url?: string | null
          twitter_username?: string | null
          updated_at?: string
        }
        Update: {
          birth_year?: number | null
          candidate_id?: string
          countries?: string[] | null
          created_at?: string
          education?: Json | null
          enrichment_error?: string | null
          enrichment_status?: string | null
          experience?: Json | null
          facebook_url?: string | null
          facebook_username?: string | null
          first_name?: string | null
          gender?: string | null
          github_url?: string | null
          github_username?: string | null
          id?: string
          industry?: string | null
          interests?: string[] | null
          job_company_industry?: string | null
          job_company_name?: string | null
          job_company_size?: string | null
          job_last_updated?: string | null
          job_start_date?: string | null
          job_title?: string | null
          job_title_levels?: string[] | null
          last_enriched_at?: string | null
          last_name?: string | null
          linkedin_id?: string | null
          linkedin_url?: string | null
          linkedin_username?: string | null
          location_continent?: string | null
          location_country?: string | null
          location_geo?: string | null
          location_locality?: string | null
          location_name?: string | null
          location_postal_code?: string | null
          location_region?: string | null
          location_street_address?: string | null
          metadata?: NonNullable<Json>
          middle_name?: string | null
          pdl_id?: string | null
          pdl_likelihood?: number | null
          skills?: string[] | null
          tenant_id?: string
          twitter_url?: string | null
          twitter_username?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "candidate_profiles_candidate_id_fkey"
            columns: ["candidate_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "candidate_profiles_candidate_tenant_fkey"
            columns: ["candidate_id", "tenant_id"]
            isOneToOne: true
            referencedRelation: "candidate_tenants"
            referencedColumns: ["candidate_id", "tenant_id"]
          },
          {
            foreignKeyName: "candidate_profiles_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      candidate_tenants: {
        Row: {
          candidate_id: string
          created_at: string
          invitation_date: string
          last_interaction: string | null
          relationship_type: string
          status: string
          tenant_id: string
          updated_at: string
        }
        Insert: {
          candidate_id: string
          created_at?: string
          invitation_date?: string
          last_interaction?: string | null
          relationship_type?: string
          status?: string
          tenant_id: string
          updated_at?: string
        }
        Update: {
          candidate_id?: string
          created_at?: string
          invitation_date?: string
          last_interaction?: string | null
          relationship_type?: string
          status?: string
          tenant_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "candidate_tenants_candidate_id_fkey"
            columns: ["candidate_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "candidate_tenants_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      candidates: {
        Row: {
          auth_email: string | null
          auth_id: string | null
          created_at: string
          education: Json | null
          email: string
          experience: Json | null
          first_name: string | null
          full_name: string
          id: string
          last_name: string | null
          metadata: NonNullable<Json>
          phone: string | null
          resume_analysis: Json | null
          resume_text: string | null
          resume_url: string | null
          skills: string[]
          tenant_id: string | null
          updated_at: string
        }
        Insert: {
          auth_email?: string | null
          auth_id?: string | null
          created_at?: string
          education?: Json | null
          email: string
          experience?: Json | null
          first_name?: string | null
          full_name: string
          id?: string
          last_name?: string | null
          metadata?: NonNullable<Json>
          phone?: string | null
          resume_analysis?: Json | null
          resume_text?: string | null
          resume_url?: string | null
          skills?: string[]
          tenant_id?: string | null
          updated_at?: string
        }
        Update: {
          auth_email?: string | null
          auth_id?: string | null
          created_at?: string
          education?: Json | null
          email?: string
          experience?: Json | null
          first_name?: string | null
          full_name?: string
          id?: string
          last_name?: string | null
          metadata?: NonNullable<Json>
          phone?: string | null
          resume_analysis?: Json | null
          resume_text?: string | null
          resume_url?: string | null
          skills?: string[]
          tenant_id?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "candidates_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      companies: {
        Row: {
          created_at: string
          description: string | null
          id: string
          industry: string | null
          logo_url: string | null
          metadata: NonNullable<Json>
          name: string
          size: string | null
          tenant_id: string
          updated_at: string
          website: string | null
        }
        Insert: {
          created_at?: string
          description?: string | null
          id?: string
          industry?: string | null
          logo_url?: string | null
          metadata?: NonNullable<Json>
          name: string
          size?: string | null
          tenant_id: string
          updated_at?: string
          website?: string | null
        }
        Update: {
          created_at?: string
          description?: string | null
          id?: string
          industry?: string | null
          logo_url?: string | null
          metadata?: NonNullable<Json>
          name?: string
          size?: string | null
          tenant_id?: string
          updated_at?: string
          website?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "companies_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      competencies: {
        Row: {
          category: string | null
          created_at: string
          description: string | null
          id: string
          metadata: NonNullable<Json>
          name: string
          tenant_id: string
          updated_at: string
        }
        Insert: {
          category?: string | null
          created_at?: string
          description?: string | null
          id?: string
          metadata?: NonNullable<Json>
          name: string
          tenant_id: string
          updated_at?: string
        }
        Update: {
          category?: string | null
          created_at?: string
          description?: string | null
          id?: string
          metadata?: NonNullable<Json>
          name?: string
          tenant_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "competencies_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      interview_insights: {
        Row: {
          competency_scores: NonNullable<Json>
          created_at: string
          id: string
          metadata: NonNullable<Json>
          metrics: NonNullable<Json>
          model: string | null
          session_id: string
          summary: string | null
          tenant_id: string
          updated_at: string
        }
        Insert: {
          competency_scores?: NonNullable<Json>
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          metrics?: NonNullable<Json>
          model?: string | null
          session_id: string
          summary?: string | null
          tenant_id: string
          updated_at?: string
        }
        Update: {
          competency_scores?: NonNullable<Json>
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          metrics?: NonNullable<Json>
          model?: string | null
          session_id?: string
          summary?: string | null
          tenant_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "interview_insights_session_fkey"
            columns: ["session_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "interview_sessions"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "interview_insights_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      interview_invitations: {
        Row: {
          candidate_id: string
          created_at: string
          created_by: string | null
          email: string
          expires_at: string
          id: string
          revoked_at: string | null
          session_id: string | null
          tenant_id: string
          token_hash: string
          updated_at: string
          used_at: string | null
          used_by: string | null
          webhook_attempted_at: string | null
          webhook_error: string | null
          webhook_response_status: number | null
          webhook_status: string | null
        }
        Insert: {
          candidate_id: string
          created_at?: string
          created_by?: string | null
          email: string
          expires_at?: string
          id?: string
          revoked_at?: string | null
          session_id?: string | null
          tenant_id: string
          token_hash: string
          updated_at?: string
          used_at?: string | null
          used_by?: string | null
          webhook_attempted_at?: string | null
          webhook_error?: string | null
          webhook_response_status?: number | null
          webhook_status?: string | null
        }
        Update: {
          candidate_id?: string
          created_at?: string
          created_by?: string | null
          email?: string
          expires_at?: string
          id?: string
          revoked_at?: string | null
          session_id?: string | null
          tenant_id?: string
          token_hash?: string
          updated_at?: string
          used_at?: string | null
          used_by?: string | null
          webhook_attempted_at?: string | null
          webhook_error?: string | null
          webhook_response_status?: number | null
          webhook_status?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "interview_invitations_candidate_id_fkey"
            columns: ["candidate_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "interview_invitations_candidate_tenant_fkey"
            columns: ["candidate_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "candidate_tenants"
            referencedColumns: ["candidate_id", "tenant_id"]
          },
          {
            foreignKeyName: "interview_invitations_session_fkey"
            columns: ["session_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "interview_sessions"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "interview_invitations_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      interview_sessions: {
        Row: {
          ai_opt_out_at: string | null
          candidate_id: string
          consent_given_at: string | null
          created_at: string
          ended_at: string | null
          id: string
          metadata: NonNullable<Json>
          position_id: string
          scheduled_at: string | null
          started_at: string | null
          status: string
          tenant_id: string
          updated_at: string
          videosdk_room_id: string | null
        }
        Insert: {
          ai_opt_out_at?: string | null
          candidate_id: string
          consent_given_at?: string | null
          created_at?: string
          ended_at?: string | null
          id?: string
          metadata?: NonNullable<Json>
          position_id: string
          scheduled_at?: string | null
          started_at?: string | null
          status?: string
          tenant_id: string
          updated_at?: string
          videosdk_room_id?: string | null
        }
        Update: {
          ai_opt_out_at?: string | null
          candidate_id?: string
          consent_given_at?: string | null
          created_at?: string
          ended_at?: string | null
          id?: string
          metadata?: NonNullable<Json>
          position_id?: string
          scheduled_at?: string | null
          started_at?: string | null
          status?: string
          tenant_id?: string
          updated_at?: string
          videosdk_room_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "interview_sessions_candidate_id_fkey"
            columns: ["candidate_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "interview_sessions_candidate_tenant_fkey"
            columns: ["candidate_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "candidate_tenants"
            referencedColumns: ["candidate_id", "tenant_id"]
          },
          {
            foreignKeyName: "interview_sessions_position_fkey"
            columns: ["position_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "positions"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "interview_sessions_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      member_invitations: {
        Row: {
          accepted_at: string | null
          accepted_by: string | null
          created_at: string
          created_by: string | null
          email: string
          expires_at: string
          id: string
          revoked_at: string | null
          role: string
          tenant_id: string
          token_hash: string
        }
        Insert: {
          accepted_at?: string | null
          accepted_by?: string | null
          created_at?: string
          created_by?: string | null
          email: string
          expires_at: string
          id?: string
          revoked_at?: string | null
          role: string
          tenant_id: string
          token_hash: string
        }
        Update: {
          accepted_at?: string | null
          accepted_by?: string | null
          created_at?: string
          created_by?: string | null
          email?: string
          expires_at?: string
          id?: string
          revoked_at?: string | null
          role?: string
          tenant_id?: string
          token_hash?: string
        }
        Relationships: [
          {
            foreignKeyName: "member_invitations_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      position_competencies: {
        Row: {
          competency_id: string
          created_at: string
          id: string
          position_id: string
          required_level: number
          tenant_id: string
          updated_at: string
          weight: number
        }
        Insert: {
          competency_id: string
          created_at?: string
          id?: string
          position_id: string
          required_level?: number
          tenant_id: string
          updated_at?: string
          weight?: number
        }
        Update: {
          competency_id?: string
          created_at?: string
          id?: string
          position_id?: string
          required_level?: number
          tenant_id?: string
          updated_at?: string
          weight?: number
        }
        Relationships: [
          {
            foreignKeyName: "position_competencies_competency_fkey"
            columns: ["competency_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "competencies"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "position_competencies_position_fkey"
            columns: ["position_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "positions"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "position_competencies_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      positions: {
        Row: {
          company_id: string | null
          created_at: string
          department: string | null
          description: string | null
          employment_type: string | null
          id: string
          location: string | null
          metadata: NonNullable<Json>
          nice_to_have: string[]
          requirements: string[]
          responsibilities: string[]
          seniority: string | null
          status: string
          tenant_id: string
          title: string
          updated_at: string
        }
        Insert: {
          company_id?: string | null
          created_at?: string
          department?: string | null
          description?: string | null
          employment_type?: string | null
          id?: string
          location?: string | null
          metadata?: NonNullable<Json>
          nice_to_have?: string[]
          requirements?: string[]
          responsibilities?: string[]
          seniority?: string | null
          status?: string
          tenant_id: string
          title: string
          updated_at?: string
        }
        Update: {
          company_id?: string | null
          created_at?: string
          department?: string | null
          description?: string | null
          employment_type?: string | null
          id?: string
          location?: string | null
          metadata?: NonNullable<Json>
          nice_to_have?: string[]
          requirements?: string[]
          responsibilities?: string[]
          seniority?: string | null
          status?: string
          tenant_id?: string
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "positions_company_fkey"
            columns: ["company_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "positions_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      realtime_token_grants: {
        Row: {
          caller_kind: string
          created_at: string
          error: string | null
          expires_at: string | null
          id: string
          requested_by: string | null
          session_id: string
          status: string
          tenant_id: string
          updated_at: string
        }
        Insert: {
          caller_kind: string
          created_at?: string
          error?: string | null
          expires_at?: string | null
          id?: string
          requested_by?: string | null
          session_id: string
          status?: string
          tenant_id: string
          updated_at?: string
        }
        Update: {
          caller_kind?: string
          created_at?: string
          error?: string | null
          expires_at?: string | null
          id?: string
          requested_by?: string | null
          session_id?: string
          status?: string
          tenant_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "realtime_token_grants_session_fkey"
            columns: ["session_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "interview_sessions"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "realtime_token_grants_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      resume_jobs: {
        Row: {
          analysis: Json | null
          analyzer: string | null
          attempts: number
          candidate_id: string | null
          created_at: string
          created_by: string | null
          enrichment: string | null
          error: string | null
          extractor: string | null
          failed_step: string | null
          file_name: string | null
          id: string
          resume_text: string | null
          sha256: string
          status: string
          steps: NonNullable<Json>
          storage_path: string | null
          tenant_id: string
          updated_at: string
        }
        Insert: {
          analysis?: Json | null
          analyzer?: string | null
          attempts?: number
          candidate_id?: string | null
          created_at?: string
          created_by?: string | null
          enrichment?: string | null
          error?: string | null
          extractor?: string | null
          failed_step?: string | null
          file_name?: string | null
          id?: string
          resume_text?: string | null
          sha256: string
          status?: string
          steps?: NonNullable<Json>
          storage_path?: string | null
          tenant_id: string
          updated_at?: string
        }
        Update: {
          analysis?: Json | null
          analyzer?: string | null
          attempts?: number
          candidate_id?: string | null
          created_at?: string
          created_by?: string | null
          enrichment?: string | null
          error?: string | null
          extractor?: string | null
          failed_step?: string | null
          file_name?: string | null
          id?: string
          resume_text?: string | null
          sha256?: string
          status?: string
          steps?: NonNullable<Json>
          storage_path?: string | null
          tenant_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "resume_jobs_candidate_id_fkey"
            columns: ["candidate_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "resume_jobs_candidate_tenant_fkey"
            columns: ["candidate_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "candidate_tenants"
            referencedColumns: ["candidate_id", "tenant_id"]
          },
          {
            foreignKeyName: "resume_jobs_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      session_machines: {
        Row: {
          created_at: string
          destroyed_at: string | null
          error: string | null
          machine_id: string | null
          region: string | null
          session_id: string
          started_at: string | null
          state: string
          tenant_id: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          destroyed_at?: string | null
          error?: string | null
          machine_id?: string | null
          region?: string | null
          session_id: string
          started_at?: string | null
          state?: string
          tenant_id: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          destroyed_at?: string | null
          error?: string | null
          machine_id?: string | null
          region?: string | null
          session_id?: string
          started_at?: string | null
          state?: string
          tenant_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "session_machines_session_fkey"
            columns: ["session_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "interview_sessions"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "session_machines_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      tenants: {
        Row: {
          created_at: string
          id: string
          metadata: NonNullable<Json>
          name: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          name: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          name?: string
          updated_at?: string
        }
        Relationships: []
      }
      transcript_entries: {
        Row: {
          created_at: string
          end_ms: number | null
          id: string
          metadata: NonNullable<Json>
          session_id: string
          source_event_id: string | null
          speaker: string
          start_ms: number | null
          tenant_id: string
          text: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          end_ms?: number | null
          id?: string
          metadata?: NonNullable<Json>
          session_id: string
          source_event_id?: string | null
          speaker: string
          start_ms?: number | null
          tenant_id: string
          text: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          end_ms?: number | null
          id?: string
          metadata?: NonNullable<Json>
          session_id?: string
          source_event_id?: string | null
          speaker?: string
          start_ms?: number | null
          tenant_id?: string
          text?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "transcript_entries_session_fkey"
            columns: ["session_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "interview_sessions"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "transcript_entries_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      transcript_item_events: {
        Row: {
          audio_ms: number | null
          created_at: string
          event_id: string
          event_type: string
          id: string
          item_id: string
          previous_item_id: string | null
          received_seq: number
          session_id: string
          tenant_id: string
        }
        Insert: {
          audio_ms?: number | null
          created_at?: string
          event_id: string
          event_type: string
          id?: string
          item_id: string
          previous_item_id?: string | null
          received_seq: number
          session_id: string
          tenant_id: string
        }
        Update: {
          audio_ms?: number | null
          created_at?: string
          event_id?: string
          event_type?: string
          id?: string
          item_id?: string
          previous_item_id?: string | null
          received_seq?: number
          session_id?: string
          tenant_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "transcript_item_events_session_fkey"
            columns: ["session_id", "tenant_id"]
            isOneToOne: false
            referencedRelation: "interview_sessions"
            referencedColumns: ["id", "tenant_id"]
          },
          {
            foreignKeyName: "transcript_item_events_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
      users: {
        Row: {
          created_at: string
          email: string | null
          full_name: string | null
          id: string
          metadata: NonNullable<Json>
          role: string
          tenant_id: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          email?: string | null
          full_name?: string | null
          id: string
          metadata?: NonNullable<Json>
          role?: string
          tenant_id: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          email?: string | null
          full_name?: string | null
          id?: string
          metadata?: NonNullable<Json>
          role?: string
          tenant_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "users_tenant_id_fkey"
            columns: ["tenant_id"]
            isOneToOne: false
            referencedRelation: "tenants"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      accept_member_invitation: { Args: { p_token: string }; Returns: string }
      advance_resume_job: {
        Args: { p_detail?: Json; p_job_id: string; p_status: string }
        Returns: Json
      }
      candidate_sessions: {
        Args: Record<PropertyKey, never>
        Returns: {
          ai_opt_out_at: string
          company_name: string
          consent_given_at: string
          ended_at: string
          invited_at: string
          organization_name: string
          position_id: string
          position_title: string
          scheduled_at: string
          session_id: string
          started_at: string
          status: string
        }[]
      }
      claim_file_deletions: {
        Args: { p_limit?: number; p_names?: string[] }
        Returns: {
          attempts: number
          bucket_id: string
          id: number
          name: string
        }[]
      }
      create_candidate_invitation: {
        Args: {
          p_candidate_email: string
          p_position_id?: string
          p_tenant_id: string
        }
        Returns: Json
      }
      create_member_invitation: {
        Args: { p_email: string; p_role?: string }
        Returns: {
          expires_at: string
          invitation_id: string
          token: string
        }[]
      }
      create_tenant: { Args: { p_name: string }; Returns: string }
      custom_access_token_hook: { Args: { event: Json }; Returns: Json }
      erase_candidate: { Args: { p_candidate_id: string }; Returns: Json }
      expire_stale_sessions: { Args: Record<PropertyKey, never>; Returns: Json }
      fail_stalled_resume_jobs: {
        Args: Record<PropertyKey, never>
        Returns: Json
      }
      finish_file_deletions: {
        Args: { p_deleted: number[]; p_failed?: Json }
        Returns: Json
      }
      finish_interview_token: {
        Args: {
          p_actor: string
          p_error?: string
          p_expires_at?: string
          p_grant_id: string
          p_ok: boolean
        }
        Returns: Json
      }
      interview_session_access: {
        Args: { p_session_id: string }
        Returns: Json
      }
      link_candidate_account: { Args: { p_token: string }; Returns: Json }
      record_session_consent: {
        Args: {
          p_ai_opt_out?: boolean
          p_consent?: boolean
          p_session_id: string
        }
        Returns: Json
      }
      relay_transcript_events: {
        Args: { p_actor: string; p_events: Json; p_session_id: string }
        Returns: Json
      }
      reserve_enrichment: { Args: { p_tenant_id: string }; Returns: Json }
      reserve_interview_token: {
        Args: { p_actor: string; p_session_id: string }
        Returns: Json
      }
      save_generated_position: {
        Args: {
          p_competencies: Json
          p_position: Json
          p_position_id?: string
          p_request_key?: string
        }
        Returns: Json
      }
      save_resume_candidate: {
        Args: { p_detail?: Json; p_job_id: string; p_resume: Json }
        Returns: Json
      }
      start_resume_job: {
        Args: {
          p_file_name?: string
          p_sha256: string
          p_storage_path?: string
        }
        Returns: Json
      }
      user_has_permission: {
        Args: { action: string; resource: string }
        Returns: boolean
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {},
  },
} as const

