import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per installation: a stable id that survives restarts for as long as the database is kept. */
@Entity({ name: 'platform_instance' })
export class PlatformInstanceEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ name: 'instance_id', type: 'uuid' })
  instanceId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
